package id.gelombang.access.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.testing.Access;
import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.TcpProxy;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;

/**
 * Nobody learns from the way back whether a NIK is registered: not from the answer (the same 202,
 * the same 422), not from the database's work (each call is one round trip, counted on the wire
 * between the application and PostgreSQL, whatever the outcome), and not from the time it takes
 * (medians of interleaved calls for registered and unregistered NIKs within a few milliseconds).
 * One connection, as each Lambda instance has.
 */
@QuarkusTest
@TestProfile(AccessWithoutEnumerationTest.OneConnection.class)
@WithTestResource(value = LocalBackendsResource.class,
        initArgs = @ResourceArg(name = LocalBackendsResource.DATABASE_ARG, value = "proxied"))
class AccessWithoutEnumerationTest {

    public static class OneConnection implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.max-size", "1");
        }
    }

    /** How far apart the medians may be: far below a network's jitter, far above this machine's noise. */
    private static final double MEDIANS_WITHIN_MS = 3.0;
    private static final int SAMPLES = 100;

    @Inject
    Database db;

    @Inject
    PersonalDataProtection protection;

    /** NIKs of a birth date the rest of the test data never uses; each is asked about once. */
    private static final LocalDate UNREGISTERED_BIRTH_DATE = LocalDate.of(1976, 2, 3);
    private static int nextUnregistered = 1;

    @Test
    void everyOutcomeOfBothCallsIsOneRoundTrip() {
        for (int i = 0; i < 3; i++) { // a warm instance: its connection has prepared both statements
            Map<String, Object> warm = registered();
            Access.requestCode(warm).then().statusCode(202);
            Access.open(warm, "000000").then().statusCode(422);
        }
        Map<String, Object> person = registered();
        String stranger = unregisteredNik();

        assertThat(roundTrips(() -> Access.requestCode(person))).as("a registered NIK's request").isEqualTo(1);
        assertThat(roundTrips(() -> Access.requestCode(stranger, birthDateOf(stranger)))).as("an unregistered NIK's").isEqualTo(1);
        assertThat(roundTrips(() -> Access.requestCode(person))).as("a request within the NIK's minute").isEqualTo(1);

        codeMailed(person);
        assertThat(roundTrips(() -> Access.open(person, "000000"))).as("a wrong code of a registered NIK").isEqualTo(1);
        assertThat(roundTrips(() -> Access.open(stranger, birthDateOf(stranger), "000000"))).as("an unregistered NIK's code")
                .isEqualTo(1);
    }

    @Test
    void registeredAndUnregisteredNiksTakeTheSameTime() {
        List<Map<String, Object>> people = new ArrayList<>();
        List<String> strangers = new ArrayList<>();
        int warmUp = 20;
        for (int i = 0; i < SAMPLES + warmUp; i++) {
            people.add(registered());
            strangers.add(unregisteredNik());
        }
        // Asking for codes: each NIK once, so every request of both kinds issues a code (the longest path).
        Timings codes = new Timings();
        for (int i = 0; i < people.size(); i++) {
            Map<String, Object> person = people.get(i);
            String stranger = strangers.get(i);
            codes.pair(i >= warmUp, i % 2 == 0, () -> timed(() -> Access.requestCode(person), 202),
                    () -> timed(() -> Access.requestCode(stranger, birthDateOf(stranger)), 202));
        }
        // A wrong code: against a live code (counted as a wrong try) and against no registration at all.
        for (Map<String, Object> person : people) {
            codeMailed(person);
        }
        Timings wrongCodes = new Timings();
        for (int i = 0; i < people.size(); i++) {
            Map<String, Object> person = people.get(i);
            String stranger = strangers.get(i);
            wrongCodes.pair(i >= warmUp, i % 2 == 0, () -> timed(() -> Access.open(person, "000000"), 422),
                    () -> timed(() -> Access.open(stranger, birthDateOf(stranger), "000000"), 422));
        }
        codes.print("Access codes asked for");
        wrongCodes.print("Wrong codes");
        assertThat(Math.abs(codes.medianDifference())).as("access-codes: median of the paired differences, ms")
                .isLessThan(MEDIANS_WITHIN_MS);
        assertThat(Math.abs(codes.registeredMedian() - codes.unregisteredMedian())).as("access-codes medians apart, ms")
                .isLessThan(MEDIANS_WITHIN_MS);
        assertThat(Math.abs(wrongCodes.medianDifference())).as("access: median of the paired differences, ms")
                .isLessThan(MEDIANS_WITHIN_MS);
        assertThat(Math.abs(wrongCodes.registeredMedian() - wrongCodes.unregisteredMedian())).as("access medians apart, ms")
                .isLessThan(MEDIANS_WITHIN_MS);
    }

    /**
     * Paired samples in milliseconds, one call of each kind back to back (in alternating order), so
     * that what slows the machine down for a while slows both alike.
     */
    private static final class Timings {
        private final List<Double> registered = new ArrayList<>();
        private final List<Double> unregistered = new ArrayList<>();
        private final List<Double> differences = new ArrayList<>();

        void pair(boolean counted, boolean registeredFirst, LongSupplier registeredCall, LongSupplier unregisteredCall) {
            long registeredNanos;
            long unregisteredNanos;
            if (registeredFirst) {
                registeredNanos = registeredCall.getAsLong();
                unregisteredNanos = unregisteredCall.getAsLong();
            } else {
                unregisteredNanos = unregisteredCall.getAsLong();
                registeredNanos = registeredCall.getAsLong();
            }
            if (counted) {
                registered.add(registeredNanos / 1e6);
                unregistered.add(unregisteredNanos / 1e6);
                differences.add((registeredNanos - unregisteredNanos) / 1e6);
            }
        }

        double registeredMedian() {
            return median(registered);
        }

        double unregisteredMedian() {
            return median(unregistered);
        }

        double medianDifference() {
            return median(differences);
        }

        void print(String what) {
            System.out.printf("%s, median ms: registered NIK %.2f, unregistered %.2f, paired difference %.2f (%d pairs)%n",
                    what, registeredMedian(), unregisteredMedian(), medianDifference(), registered.size());
        }

        private static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    private static long timed(Supplier<Response> call, int expectedStatus) {
        long start = System.nanoTime();
        Response response = call.get();
        long took = System.nanoTime() - start;
        assertThat(response.statusCode()).isEqualTo(expectedStatus);
        return took;
    }

    private static long roundTrips(Supplier<Response> call) {
        TcpProxy database = LocalBackendsResource.databaseProxy();
        long before = database.roundTrips();
        Response response = call.get();
        assertThat(response.statusCode()).isIn(202, 422);
        return database.roundTrips() - before;
    }

    /** As if the email worker had mailed the registrant's current code just now. */
    private void codeMailed(Map<String, Object> person) {
        db.execute("UPDATE access_code SET sent_at = now() WHERE nik_digest = $1",
                Buffer.buffer(protection.lookupDigest("nik", (String) person.get("nik"))));
    }

    private static Map<String, Object> registered() {
        Map<String, Object> person = Applicants.valid();
        Api.registerNew(person);
        return person;
    }

    private static synchronized String unregisteredNik() {
        return Applicants.nik(UNREGISTERED_BIRTH_DATE, false, nextUnregistered++);
    }

    private static String birthDateOf(String nik) {
        return UNREGISTERED_BIRTH_DATE.toString();
    }
}
