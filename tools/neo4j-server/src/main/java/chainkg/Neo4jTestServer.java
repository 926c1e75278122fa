package chainkg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Embedded Neo4j Community server for chainkg's integration tests.
 *
 * <p>Starts a DBMS whose home (data, logs, transaction logs) lives in a throw-away directory, with
 * only the Bolt connector enabled on 127.0.0.1. When the DBMS is ready it prints one line
 * {@code Neo4j <version> started, bolt://127.0.0.1:<port> ...} to stdout and writes the Bolt port
 * to the port file (written last, atomically, so its existence means "ready"). SIGTERM / SIGINT
 * shut the DBMS down cleanly via a shutdown hook.
 *
 * <pre>
 * java -cp CLASSPATH chainkg.Neo4jTestServer [--host 127.0.0.1] [--port 7687|0]
 *      [--data-dir DIR] [--port-file FILE] [--password PW | --no-auth] [--pagecache 64m] [--gds]
 * </pre>
 *
 * <p>The password may also come from the environment variable CHAINKG_TEST_NEO4J_PASSWORD. Without
 * a password (or with --no-auth) authentication is disabled. With a password the user is
 * {@code neo4j}. Port 0 picks a free port; the one actually bound is printed and written to the
 * port file. Without --data-dir a temporary directory is created and deleted on shutdown. With
 * --gds the Graph Data Science procedures on the class path (Maven profile {@code gds}) are loaded
 * and unrestricted.
 */
public final class Neo4jTestServer {

    private static final String USER = "neo4j";

    private Neo4jTestServer() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("neo4j-test-server: " + e.getMessage());
            System.err.println(
                    "usage: chainkg.Neo4jTestServer [--host H] [--port N] [--data-dir DIR]"
                            + " [--port-file FILE] [--password PW | --no-auth] [--pagecache SIZE] [--gds]");
            System.exit(2);
        } catch (Throwable t) {
            System.err.println("neo4j-test-server: failed to start Neo4j");
            t.printStackTrace();
            System.out.flush();
            System.err.flush();
            // halt: do not run the shutdown hook against a half-built DBMS
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 7687;
        Path dataDir = null;
        Path portFile = null;
        String password = System.getenv("CHAINKG_TEST_NEO4J_PASSWORD");
        boolean noAuth = false;
        long pageCache = ByteUnit.mebiBytes(64);
        boolean gds = false;

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--host":
                    host = value(args, ++i, a);
                    break;
                case "--port":
                    port = Integer.parseInt(value(args, ++i, a));
                    break;
                case "--data-dir":
                    dataDir = Path.of(value(args, ++i, a));
                    break;
                case "--port-file":
                    portFile = Path.of(value(args, ++i, a));
                    break;
                case "--password":
                    password = value(args, ++i, a);
                    break;
                case "--no-auth":
                    noAuth = true;
                    break;
                case "--pagecache":
                    pageCache = ByteUnit.parse(value(args, ++i, a));
                    break;
                case "--gds":
                    gds = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        boolean auth = !noAuth && password != null && !password.isEmpty();
        if (auth && password.length() < 8) {
            throw new IllegalArgumentException("password must have at least 8 characters");
        }

        final boolean ownDataDir = dataDir == null;
        final Path home = ownDataDir
                ? Files.createTempDirectory("chainkg-neo4j-")
                : dataDir.toAbsolutePath();
        Files.createDirectories(home);
        final Path portFileFinal = portFile == null ? null : portFile.toAbsolutePath();
        if (portFileFinal != null) {
            Files.deleteIfExists(portFileFinal);
        }

        long t0 = System.nanoTime();
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        if (gds) {
            // Neo4j discovers procedures only by scanning the jars in its plugin directory (the
            // classpath alone gives GDS's extension but no procedures), so point it at GDS's jars.
            builder.setConfig(GraphDatabaseSettings.plugin_dir, gdsPluginDir(home))
                    .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"));
        }
        DatabaseManagementService dbms = builder
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(host))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(host))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Internal settings: Bolt otherwise waits 2 x 5 s on shutdown for idle pools.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.check_point_interval_time, Duration.ofMinutes(5))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Neo4j ...");
            System.out.flush();
            try {
                dbms.shutdown();
            } catch (Throwable t) {
                t.printStackTrace();
            }
            try {
                if (portFileFinal != null) {
                    Files.deleteIfExists(portFileFinal);
                }
                if (ownDataDir) {
                    deleteTree(home);
                }
            } catch (IOException e) {
                e.printStackTrace();
            }
            System.out.println("Neo4j stopped");
            System.out.flush();
            stopped.countDown();
        }, "neo4j-test-server-shutdown"));

        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        if (auth) {
            // The initial user neo4j/neo4j must change its password; set ours and clear that flag.
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        }

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        String version = db.executeTransactionally(
                "CALL dbms.components() YIELD name, versions, edition "
                        + "RETURN versions[0] AS version, edition",
                Map.of(),
                r -> {
                    Map<String, Object> row = r.next();
                    return row.get("version") + " (" + row.get("edition") + ")";
                });

        int boltPort = port;
        if (boltPort == 0) {
            ConnectorPortRegister ports = ((GraphDatabaseAPI) db)
                    .getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class);
            boltPort = ports.getLocalAddress(ConnectorType.BOLT).getPort();
        }

        String gdsVersion = gds
                ? db.executeTransactionally("RETURN gds.version() AS v", Map.of(), r -> String.valueOf(r.next().get("v")))
                : null;

        String[] parts = version.split(" ", 2);
        System.out.printf(
                "Neo4j %s started, bolt://%s:%d %s, auth %s, %shome %s, %.1f s%n",
                parts[0], host, boltPort, parts.length > 1 ? parts[1] : "",
                auth ? "enabled (user " + USER + ")" : "disabled",
                gds ? "GDS " + gdsVersion + ", " : "",
                home, (System.nanoTime() - t0) / 1e9);
        System.out.flush();

        if (portFileFinal != null) {
            Path parent = portFileFinal.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = Files.createTempFile(parent != null ? parent : Path.of("."), ".port", ".tmp");
            Files.writeString(tmp, boltPort + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, portFileFinal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        // Keep the JVM alive until a signal triggers the shutdown hook.
        stopped.await();
    }

    /**
     * A {@code plugins} directory under the home holding symbolic links to the Graph Data Science
     * jars found on the classpath (Maven puts them under {@code .../org/neo4j/gds/...}). The classes
     * still load from the application class path (parent first), so there is one copy of each.
     */
    private static Path gdsPluginDir(Path home) throws IOException {
        Path plugins = home.resolve("plugins");
        Files.createDirectories(plugins);
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath();
            String norm = jar.toString().replace('\\', '/');
            if (norm.endsWith(".jar") && norm.contains("/org/neo4j/gds/")) {
                Path link = plugins.resolve(jar.getFileName());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, jar);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException(
                    "--gds given but no Graph Data Science jars are on the classpath (build with mvn -Pgds)");
        }
        return plugins;
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        }
    }
}
