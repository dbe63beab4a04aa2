package io.tlsscope.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker (KRaft: broker and controller in one JVM) for one test
 * class, on free loopback ports, its data under /tmp. It runs as a JVM of its own from the jars the
 * build copies into target/kafka-broker/ (src/test/kafka-broker/pom.xml), so the broker's
 * dependencies never meet the Quarkus test classpath. {@link #stop()} and {@link #start()} again
 * keep its ports and data: an outage, not a new cluster.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Path JARS = Path.of("target/kafka-broker");
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);

    private final Path directory;
    private final int port;
    private final Path log;
    private Process process;

    private KafkaBroker(Path directory, int port) {
        this.directory = directory;
        this.port = port;
        this.log = directory.resolve("broker.log");
    }

    /** Formats the storage and starts the broker; waits until it answers. */
    public static KafkaBroker launch() {
        if (!Files.isDirectory(JARS)) {
            throw new IllegalStateException(JARS.toAbsolutePath() + " is missing: the build copies the broker there"
                    + " (./mvnw process-test-resources, execution kafka-broker-jars)");
        }
        try {
            KafkaBroker broker = new KafkaBroker(Files.createTempDirectory("tlsscope-kafka-"), FreePort.pick());
            try {
                broker.format();
                broker.start();
                return broker;
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("start test Kafka broker: " + e.getMessage(), e);
        }
    }

    private void format() throws IOException {
        int controllerPort = FreePort.pick();
        Files.writeString(directory.resolve("server.properties"), """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%3$s
                num.partitions=3
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                """.formatted(port, controllerPort, directory.resolve("data")));
        Commands.run(java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                directory.resolve("server.properties").toString()));
    }

    /** Starts the broker (again, after {@link #stop()}) and waits until it serves requests. */
    public void start() {
        try {
            process = new ProcessBuilder(java("kafka.Kafka", directory.resolve("server.properties").toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("start kafka.Kafka: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("test Kafka broker did not become ready; log:\n" + tail());
            }
        }
    }

    /** Stops the broker (SIGTERM, a clean shutdown) and waits for its exit; its data stays. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Creates the topics, each with the given partitions. */
    public void createTopics(int partitions, String... topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String topic : topics) {
                newTopics.add(new NewTopic(topic, partitions, (short) 1));
            }
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("create topics " + List.of(topics) + ": " + e.getMessage(), e);
        }
    }

    private boolean answers() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    private Admin admin() {
        Properties properties = new Properties();
        properties.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000"));
        return Admin.create(properties);
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a small broker that starts fast: C1 only, one GC thread
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", JARS.toAbsolutePath() + "/*", mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no broker log: " + e.getMessage() + ")";
        }
    }

    /** Stops the broker and removes its directory. Idempotent. */
    @Override
    public void close() {
        stop();
        TestDirectories.deleteRecursively(directory);
    }
}
