package id.gelombang.verification.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import id.gelombang.verification.VerificationConfig;
import id.gelombang.verification.domain.JobKind;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The local run's workers: one background thread per outside service, draining as the worker
 * functions do in AWS. Off unless {@code gelombang.verification.in-process-workers=true} (dev profile).
 */
@ApplicationScoped
public class InProcessWorkers {

    private static final Logger LOG = Logger.getLogger(InProcessWorkers.class);
    private static final Duration ROUND = Duration.ofMinutes(1);

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    void start(@Observes StartupEvent event, VerificationConfig config, JobWorker worker) {
        if (!config.inProcessWorkers()) {
            return;
        }
        running = true;
        for (JobKind.Outbound outbound : JobKind.Outbound.values()) {
            JobKind kind = JobKind.leaderOf(outbound);
            Thread thread = new Thread(() -> {
                while (running) {
                    try {
                        worker.drain(kind, ROUND, false);
                    } catch (RuntimeException e) {
                        LOG.warnf("Local %s worker: %s; retrying", kind, e.getClass().getName());
                        Blocking.pause(Duration.ofSeconds(5));
                    }
                }
            }, "gelombang-worker-" + outbound.name().toLowerCase());
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        threads.forEach(Thread::interrupt);
    }
}
