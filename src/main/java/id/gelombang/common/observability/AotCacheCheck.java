package id.gelombang.common.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * At start (Lambda's INIT), reports a rejected AOT cache: a warning line and the
 * {@value Metrics#AOT_CACHE_REJECTED} metric, which the template alarms on. The JVM's own [aot]
 * lines say why; this makes it countable.
 */
@ApplicationScoped
public class AotCacheCheck {

    private static final Logger LOG = Logger.getLogger(AotCacheCheck.class);

    void onStart(@Observes StartupEvent start, Metrics metrics) {
        String requested = System.getProperty(AotCache.REQUESTED);
        if (AotCache.rejected(requested, System.getProperty("java.vm.info"))) {
            LOG.warnf("AOT cache %s was not used at start (see the JVM's [aot] lines above)", requested);
            metrics.aotCacheRejected();
        }
    }
}
