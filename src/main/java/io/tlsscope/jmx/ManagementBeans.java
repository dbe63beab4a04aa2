package io.tlsscope.jmx;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tlsscope.counters.CounterCatalogue;
import io.tlsscope.counters.CounterValue;
import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.kernel.LibraryCalls;
import io.tlsscope.tracer.LibraryStatus;
import io.tlsscope.tracer.TracerControl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.jboss.logging.Logger;

/**
 * Registers the service's MXBeans on the platform MBean server: counters, libraries, and the Go
 * switch as operations (each switch leaves an audit line, as the REST API's do). Reachable with
 * any JMX client through the JVM's own remote JMX settings (see README).
 */
@ApplicationScoped
public class ManagementBeans {
    private static final Logger LOG = Logger.getLogger(ManagementBeans.class);
    private static final Logger AUDIT = Logger.getLogger("io.tlsscope.audit");

    private final CounterCatalogue counters;
    private final TracerControl control;
    private final Map<ObjectName, Object> beans = new LinkedHashMap<>();

    public ManagementBeans(CounterCatalogue counters, TracerControl control) {
        this.counters = counters;
        this.control = control;
    }

    void onStart(@Observes StartupEvent start) throws JMException {
        beans.put(new ObjectName("io.tlsscope:type=Counters"), (CountersMXBean) this::counterValues);
        beans.put(new ObjectName("io.tlsscope:type=Libraries"), (LibrariesMXBean) this::librarySummaries);
        beans.put(new ObjectName("io.tlsscope:type=GoHooks"), new GoHooks());
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (Map.Entry<ObjectName, Object> bean : beans.entrySet()) {
            if (!server.isRegistered(bean.getKey())) {
                server.registerMBean(bean.getValue(), bean.getKey());
            }
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : beans.keySet()) {
            try {
                server.unregisterMBean(name);
            } catch (JMException alreadyGone) {
                LOG.debugf("MBean %s was not registered: %s", name, alreadyGone.getMessage());
            }
        }
    }

    private Map<String, Long> counterValues() {
        Map<String, Long> values = new LinkedHashMap<>();
        for (CounterValue counter : counters.all()) {
            values.put(counter.name(), counter.value());
        }
        return values;
    }

    private List<String> librarySummaries() {
        return control.libraries().stream().map(ManagementBeans::summary).toList();
    }

    private static String summary(LibraryStatus status) {
        LibraryAttacher.AttachedLibrary attached = status.library().attached();
        return "inode=%d kind=%s version=%s layout=%s (%s) calls %s paths=%s".formatted(status.library().key().inode(),
                status.library().kind().jsonName(), attached == null ? null : attached.version(),
                status.layout() == null ? null : status.layout().layoutName(),
                status.layout() == null ? null : status.layout().source().jsonName(), kernelCalls(status.kernelCalls()),
                status.library().paths());
    }

    private static String kernelCalls(LibraryCalls calls) {
        return calls == null ? "none" : "seen=%d captured=%d dropped=%d readFailed=%d failed=%d%s".formatted(calls.seen(),
                calls.captured(), calls.dropped(), calls.readFailed(), calls.failed(), calls.sharedSlot() ? " (slot shared)" : "");
    }

    /** The Go switch; a refusal (tracing down, unknown inode) reaches the JMX client as its message. */
    private final class GoHooks implements GoHooksMXBean {
        @Override
        public boolean isEnabled() {
            return control.goHooksEnabled();
        }

        @Override
        public void switchAll(boolean enabled) {
            control.switchGoHooks(enabled);
            AUDIT.infof("admin change via JMX: Go hooks %s", enabled ? "on" : "off");
        }

        @Override
        public void switchOne(long inode, boolean enabled) {
            control.switchGoHooks(inode, enabled);
            AUDIT.infof("admin change via JMX: Go hooks %s for inode %d", enabled ? "on" : "off", inode);
        }
    }
}
