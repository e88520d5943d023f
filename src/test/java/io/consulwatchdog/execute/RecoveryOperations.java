package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.nio.file.Path;
import java.util.List;

/** The operations a peers-json recovery, its undo and its preflight ask of one agent, for a data dir. */
final class RecoveryOperations {
  private RecoveryOperations() {}

  /**
   * Stop, start, restart; back up raft to raft.backup-ID; write and remove raft/peers.json; move raft
   * aside to raft.moved-ID and back.
   */
  static List<AgentOperation> of(Path dataDir, String id) {
    Path raft = dataDir.resolve("raft");
    Path moved = dataDir.resolve("raft.moved-" + id);
    return List.of(new Stop(), new Start(), new Restart(),
        new BackupDirectory(raft.toString(), dataDir.resolve("raft.backup-" + id).toString()),
        new WriteFile(raft.resolve("peers.json").toString(), new byte[2], "0644"),
        new RemoveFile(raft.resolve("peers.json").toString()),
        new MoveDirectory(raft.toString(), moved.toString()),
        new MoveDirectory(moved.toString(), raft.toString()));
  }
}
