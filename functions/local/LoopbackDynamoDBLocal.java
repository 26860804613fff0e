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
    proxy.start();
  }

  private static void fail(String message) {
    System.err.println(message + " Refusing to start it on every network interface.");
    System.exit(3);
  }
}
