package io.consulwatchdog.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a started {@link TestLabCluster} (or plain {@link LabCluster}) parameter and closes it
 * after the test, even on failure. {@link Servers}, {@link Acl} and {@link Tls} on the parameter shape the lab.
 */
public final class ConsulLabExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ConsulLabExtension.class);
  private static final String KEY = "labs";

  /** Sets the number of servers of an injected lab (default 3). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  public @interface Servers {
    /** The number of servers. */
    int value();
  }

  /** Runs the injected lab with ACLs in default-deny mode (see {@link LabOptions#withAcl()}). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  public @interface Acl {}

  /** Runs the injected lab HTTPS-only with client certificates (see {@link LabOptions#withTls()}). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  public @interface Tls {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LabCluster.class || type == TestLabCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    int servers = parameter.findAnnotation(Servers.class).map(Servers::value).orElse(3);
    LabOptions options = LabOptions.defaults().withServers(servers).withNamePrefix(prefix(context));
    if (parameter.isAnnotated(Acl.class)) {
      options = options.withAcl();
    }
    if (parameter.isAnnotated(Tls.class)) {
      options = options.withTls();
    }
    TestLabCluster lab = TestLabCluster.start(options);
    labs(context).add(lab);
    return parameter.getParameter().getType() == LabCluster.class ? lab.cluster() : lab;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<TestLabCluster> labs = labs(context);
    RuntimeException failure = null;
    for (TestLabCluster lab : labs) {
      try {
        lab.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    labs.clear();
    if (failure != null) {
      throw failure;
    }
  }

  @SuppressWarnings("unchecked")
  private static List<TestLabCluster> labs(ExtensionContext context) {
    return (List<TestLabCluster>) context.getStore(NAMESPACE).getOrComputeIfAbsent(KEY,
        k -> new ArrayList<TestLabCluster>());
  }

  private static String prefix(ExtensionContext context) {
    String method = context.getTestMethod().map(m -> m.getName()).orElse("test");
    String cleaned = method.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return ("lab-" + cleaned).substring(0, Math.min(24, cleaned.length() + 4)).replaceAll("-+$", "");
  }
}
