package id.gelombang.common.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * In the local run ({@code ./mvnw quarkus:dev}) serves the reference registration page on
 * http://localhost:8090, another origin than the API on 8080, so CORS works as it does between
 * the public site and the HTTP API. Off unless {@code gelombang.local-site.port} is set (dev profile).
 */
@ApplicationScoped
public class LocalSiteStarter {

    private static final Logger LOG = Logger.getLogger(LocalSiteStarter.class);

    private LocalSite site;

    void start(@Observes StartupEvent event,
            @ConfigProperty(name = "gelombang.local-site.port") Optional<Integer> port,
            @ConfigProperty(name = "gelombang.local-site.directory", defaultValue = "src/site") Path directory,
            @ConfigProperty(name = "gelombang.local-site.api-base", defaultValue = "http://localhost:8080") URI apiBase) {
        if (port.isEmpty()) {
            return;
        }
        site = LocalSite.start(directory, port.get(), apiBase);
        LOG.infof("Reference registration page on %s (API at %s)", site.uri(), apiBase);
    }

    void stop(@Observes ShutdownEvent event) {
        if (site != null) {
            site.close();
        }
    }
}
