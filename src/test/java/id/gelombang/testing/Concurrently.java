package id.gelombang.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs tasks on many threads released at the same instant, and measures how many were really
 * running at once, so a concurrency test can show that its requests overlapped.
 */
public final class Concurrently {

    public record Outcome<T>(List<T> results, int maxInFlight) {
    }

    private Concurrently() {
    }

    public static <T> Outcome<T> run(int tasks, int threads, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        return task.apply(n);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return new Outcome<>(results, maxInFlight.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
