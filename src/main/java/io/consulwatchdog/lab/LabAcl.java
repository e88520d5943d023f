package io.consulwatchdog.lab;

import io.consulwatchdog.config.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The ACL setup of a lab started with {@link LabOptions#withAcl()}: every server loads one config file
 * with {@code default_policy = "deny"} and two random tokens, each also written to its own file (mode
 * 0600) for watchdog configs that read {@code {file: PATH}}. The tokens never appear in a process's
 * argument list. Secret's toString masks the values.
 *
 * @param managementToken {@code acl.tokens.master}: a management token, resolved by the leader (so not
 *     on servers that have never had one)
 * @param agentMasterToken {@code acl.tokens.agent_master}: checked by each agent itself, with or without a
 *     leader, and good for /v1/agent/* only
 * @param managementTokenFile the file holding the management token
 * @param agentMasterTokenFile the file holding the agent_master token
 * @param configFile the acl.hcl every server loads with -config-file
 */
public record LabAcl(Secret managementToken, Secret agentMasterToken, Path managementTokenFile,
    Path agentMasterTokenFile, Path configFile) {

  /** Makes two random tokens and writes them and acl.hcl into the lab directory, each file mode 0600. */
  static LabAcl create(Path labDir) {
    Path management = labDir.resolve("management.token");
    Path agentMaster = labDir.resolve("agent-master.token");
    Path config = labDir.resolve("acl.hcl");
    String managementValue = UUID.randomUUID().toString();
    String agentMasterValue = UUID.randomUUID().toString();
    LabFiles.writePrivate(management, managementValue + "\n");
    LabFiles.writePrivate(agentMaster, agentMasterValue + "\n");
    LabFiles.writePrivate(config, """
        acl {
          enabled = true
          default_policy = "deny"
          down_policy = "extend-cache"
          enable_token_persistence = true
          tokens {
            master = "%s"
            agent_master = "%s"
          }
        }
        """.formatted(managementValue, agentMasterValue));
    return new LabAcl(new Secret("file:" + management, managementValue),
        new Secret("file:" + agentMaster, agentMasterValue), management, agentMaster, config);
  }

  /** Both token values, for asserting that none of them shows up where it must not (logs, fixtures, argv). */
  public List<String> tokenValues() {
    return List.of(managementToken.value(), agentMasterToken.value());
  }
}
