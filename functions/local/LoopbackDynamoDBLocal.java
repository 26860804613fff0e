import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local listening on one address (127.0.0.1) instead of every interface.
 *
 * DynamoDB Local accepts any credentials, and its command line has no bind-address option: its
 * Jetty server is built with a port only, which listens on all interfaces, so anyone on the
 * network could read and write the whole table. This launcher builds the server from the usual
 * command line, sets the host of its connectors before they open, and refuses to start if it
 * finds none (fail closed). functions/local/dynamo-local.ts compiles it once and runs it.
 */
public final class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("groundswell.dynamodb.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : jetty.getConnectors()) {
      if (!(connector instanceof ServerConnector)) {
        fail("DynamoDB Local has a connector of an unknown kind (" + connector.getClass().getName() + ").");
      }
      ((ServerConnector) connector).setHost(host);
      bound++;
    }
    if (bound == 0) fail("DynamoDB Local has no connector to bind.");
    if (Boolean.getBoolean("groundswell.dynamodb.exitWithParent")) exitWithParent();
    proxy.start();
  }

  /**
   * The parent holds our stdin open for as long as it lives; end of input means it is gone (even
   * SIGKILLed, or a test run killed on a time-out), so the database goes too instead of staying
   * behind as an orphan holding memory and a port.
   */
  private static void exitWithParent() {
    Thread watch = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // input is ignored; only its end matters
        }
      } catch (java.io.IOException e) {
        // a broken pipe is an end too
      }
      // A clean exit closes the database files; if a shutdown hook hangs, halt after 5 s.
      Thread halt = new Thread(() -> {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          // halting anyway
        }
        Runtime.getRuntime().halt(0);
      });
      halt.setDaemon(true);
      halt.start();
      System.exit(0);
    }, "groundswell-parent-watch");
    watch.setDaemon(true);
    watch.start();
  }

  private static void fail(String message) {
    System.err.println(message + " Refusing to start it on every network interface.");
    System.exit(3);
  }
}
