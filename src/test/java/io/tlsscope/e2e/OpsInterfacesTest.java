package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.FreePort;
import io.tlsscope.testsupport.LibsslUser;
import io.tlsscope.testsupport.LogLines;
import io.tlsscope.testsupport.TracerApi;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * What ops tools read besides the REST API: Prometheus metrics at /q/metrics and the MXBeans over a
 * real remote JMX connection (an RMI connector server on a free loopback port, as
 * -Dcom.sun.management.jmxremote.port opens one, and a JMXConnectorFactory client).
 */
@QuarkusTest
class OpsInterfacesTest {

    @Test
    void prometheusHasEveryCounterWithItsDescriptionAndItsValueAtScrapeTime() throws InterruptedException {
        Thread.sleep(1100); // a scrape serves one snapshot for a second: let any earlier one expire
        long before = TracerApi.counter("events.published");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        long after = TracerApi.counter("events.published");
        assertThat(metrics).contains("# HELP tlsscope_events_published plaintext chunks delivered to the event bus")
                .contains("# TYPE tlsscope_kernel_ringbuf_drops counter")
                .contains("# TYPE tlsscope_sse_clients gauge")
                .contains("tlsscope_decoder_queries_total");
        double scraped = Double.parseDouble(metrics.lines().filter(line -> line.startsWith("tlsscope_events_published_total "))
                .findFirst().orElseThrow().split(" ")[1]);
        assertThat((long) scraped).as("the counter as it was between the two REST reads around the scrape")
                .isBetween(before, after);
        List<String> counters = given().get("/api/v1/counters").jsonPath().getList("name");
        assertThat(counters).allSatisfy(counter -> assertThat(metrics)
                .contains("# HELP tlsscope_" + counter.replace('.', '_').replace('-', '_') + " "));
    }

    @Test
    void countersLibrariesAndTheGoSwitchOverRemoteJmx() throws Exception {
        // the stub travels in the URL (no RMI registry lookup: Quarkus disables JNDI)
        JMXServiceURL address = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + FreePort.pick());
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(address, null, ManagementFactory.getPlatformMBeanServer());
        server.start();
        try (JMXConnector client = JMXConnectorFactory.connect(server.getAddress()); LogLines log = LogLines.capture()) {
            MBeanServerConnection connection = client.getMBeanServerConnection();
            TabularData counters = (TabularData) connection.getAttribute(new ObjectName("io.tlsscope:type=Counters"), "Counters");
            CompositeData published = counters.get(new Object[] {"events.published"});
            assertThat(published).isNotNull();
            assertThat((Long) published.get("value")).isGreaterThanOrEqualTo(0L);
            assertThat(counters.size()).isEqualTo(given().get("/api/v1/counters").jsonPath().getList("name").size());

            try (LibsslUser user = LibsslUser.start()) { // an attached library: its line has the kernel's call counts
                String[] libraries = (String[]) connection.getAttribute(new ObjectName("io.tlsscope:type=Libraries"), "Libraries");
                List<Long> inodes = given().get("/api/v1/libraries").jsonPath().getList("inode", Long.class);
                assertThat(libraries).hasSize(inodes.size());
                inodes.forEach(inode -> assertThat(String.join("\n", libraries)).contains("inode=" + inode));
                long systemLibssl = (Long) Files.readAttributes(Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3"), "unix:ino").get("ino");
                assertThat(libraries).anyMatch(line -> line.startsWith("inode=" + systemLibssl + " ")
                        && line.matches(".* calls seen=\\d+ captured=\\d+ dropped=\\d+ readFailed=\\d+ failed=\\d+ .*"));
            }

            ObjectName goHooks = new ObjectName("io.tlsscope:type=GoHooks");
            try {
                connection.invoke(goHooks, "switchAll", new Object[] {false}, new String[] {"boolean"});
                assertThat((Boolean) connection.getAttribute(goHooks, "Enabled")).isFalse();
                assertThat(given().get("/api/v1/hooks/go").jsonPath().getBoolean("enabled")).isFalse();
            } finally {
                connection.invoke(goHooks, "switchAll", new Object[] {true}, new String[] {"boolean"});
            }
            assertThat((Boolean) connection.getAttribute(goHooks, "Enabled")).isTrue();
            assertThat(log.lines()).anyMatch(line -> line.contains("admin change via JMX: Go hooks off"));
        } finally {
            server.stop();
        }
    }
}
