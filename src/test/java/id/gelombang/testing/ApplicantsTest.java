package id.gelombang.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The test data generator keeps its promise: no NIK (or family card) twice, also from many threads at once. */
class ApplicantsTest {

    @Test
    void concurrentCallersNeverGetTheSameNikOrFamilyCard() throws Exception {
        int calls = 180_000; // crosses the serial range (9,000 per birth date) twenty times
        var outcome = Concurrently.run(calls, 16, i -> Applicants.valid());

        List<Map<String, Object>> bodies = outcome.results();
        assertThat(bodies.stream().map(b -> b.get("nik")).distinct().count()).as("distinct NIKs").isEqualTo(calls);
        assertThat(bodies.stream().map(b -> b.get("kkNumber")).distinct().count()).as("distinct family cards").isEqualTo(calls);
    }
}
