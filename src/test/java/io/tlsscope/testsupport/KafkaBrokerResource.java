package io.tlsscope.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * A real Kafka broker for the service of a @QuarkusTest (through a test profile's resources): the
 * service's sink points at it, and a field annotated {@link InjectKafkaBroker} gets it, to stop and
 * start it. The sink's topics exist with 3 partitions each, so keys really spread.
 */
public final class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
    public static final String QUERIES = "tlsscope.queries";
    public static final String RAW = "tlsscope.raw";
    public static final int PARTITIONS = 3;

    /** Marks the test's KafkaBroker field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectKafkaBroker {
    }

    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.launch();
        broker.createTopics(PARTITIONS, QUERIES, RAW);
        return Map.of("tlsscope.kafka.bootstrap-servers", broker.bootstrapServers());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(broker, new TestInjector.AnnotatedAndMatchesType(InjectKafkaBroker.class, KafkaBroker.class));
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
