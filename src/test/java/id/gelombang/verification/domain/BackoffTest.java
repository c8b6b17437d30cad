package id.gelombang.verification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(30), Duration.ofSeconds(1));
    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void theCeilingDoublesWithEachFailureUpToTheCap() {
        assertThat(maxOver(1000, 1)).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(maxOver(1000, 3)).isLessThanOrEqualTo(Duration.ofSeconds(40)).isGreaterThan(Duration.ofSeconds(30));
        assertThat(maxOver(1000, 20)).isLessThanOrEqualTo(Duration.ofMinutes(30)).isGreaterThan(Duration.ofMinutes(25));
    }

    @Test
    void waitsAreSpreadOverTheWindowNotBunchedAtItsEnd() {
        long distinct = IntStream.range(0, 200).mapToObj(i -> backoff.after(5, random)).distinct().count();
        assertThat(distinct).as("different waits among 200 jobs failing together").isGreaterThan(150);
        assertThat(IntStream.range(0, 1000).mapToObj(i -> backoff.after(5, random)))
                .allSatisfy(wait -> assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
    }

    private Duration maxOver(int samples, int failures) {
        return IntStream.range(0, samples).mapToObj(i -> backoff.after(failures, random)).max(Duration::compareTo).orElseThrow();
    }
}
