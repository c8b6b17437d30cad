package id.gelombang.common.openapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.access.domain.AccessCodeRules;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.registration.domain.ApplicantRules;
import id.gelombang.registration.domain.ApplicantRules.Submission;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.registration.domain.KkNumber;
import id.gelombang.registration.domain.Nik;
import id.gelombang.registration.domain.PhoneNumber;
import id.gelombang.registration.domain.VoidCase;
import id.gelombang.registration.rest.IdempotencyKeys;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Operator;
import id.gelombang.upload.domain.KtpPhoto;
import id.gelombang.verification.domain.EmailCodeRules;
import id.gelombang.wave.WaveRules;
import id.gelombang.wave.WaveSelection;
import id.gelombang.wave.draw.DrawSeed;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The served /q/openapi and the validation agree on every rule of every request: for each field of
 * each request body, and each header, query and path parameter with a rule, values around what the
 * document declares (its bounds and one past them, each enum value and near misses, the example
 * and its mutations: every character replaced, removed or doubled, other characters inserted,
 * spaces, a trailing newline, lengths at and past the limit) are judged by the document's schema
 * (as a JSON Schema validator reads it) and by the rule the server applies; any value they judge
 * differently fails the test. A request field with no rule here fails it too, so that a field added
 * later is declared and checked like the others.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class DocumentedRulesTest {

    private static final LocalDate FAR_FUTURE = LocalDate.of(2200, 1, 1);
    /** The way back refuses birth dates after today, which the document cannot say: checked as of the last date it declares. */
    private static final LocalDate LAST_DOCUMENTED_BIRTH_DATE = LocalDate.of(2099, 12, 31);
    private static final Instant OPENS = Instant.parse("2100-01-01T00:00:00Z");
    private static final Instant CLOSES = Instant.parse("2100-02-01T00:00:00Z");
    private static final Submission VALID = new Submission("3171234501900001", "3171230101900002", "Siti Rahayu",
            "1990-01-05", "F", "siti@example.com", "081234567890");
    private static final List<String> ALPHABET = List.of("0", "1", "5", "9", "a", "Z", " ", ".", "-", "'", "+", "/", "=",
            "@", "_", "~", "!", "é", "\u0301", "\t", "\u00A0", "\u3000", "𝒜", "٣", "\n", "\u0000");

    private JsonNode document;

    /** What the server's rule says of one field's value, the rest of the request valid. */
    private record Rule(Predicate<Object> accepts) {
    }

    @BeforeEach
    void fetchDocument() throws Exception {
        String json = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        document = new ObjectMapper().readTree(json);
    }

    private static Map<String, Rule> rules() {
        Map<String, Rule> rules = new LinkedHashMap<>();
        rules.put("RegistrationRequest.nik", new Rule(v -> Nik.parse(str(v), "nik", new FieldErrors()) != null));
        rules.put("RegistrationRequest.kkNumber", new Rule(v -> KkNumber.parse(str(v), "kkNumber", new FieldErrors()) != null));
        rules.put("RegistrationRequest.fullName", applicant("fullName",
                v -> new Submission(VALID.nik(), VALID.kkNumber(), v, VALID.birthDate(), VALID.sex(), VALID.email(), VALID.phone())));
        rules.put("RegistrationRequest.birthDate", applicant("birthDate",
                v -> new Submission(VALID.nik(), VALID.kkNumber(), VALID.fullName(), v, VALID.sex(), VALID.email(), VALID.phone())));
        rules.put("RegistrationRequest.sex", applicant("sex",
                v -> new Submission(VALID.nik(), VALID.kkNumber(), VALID.fullName(), VALID.birthDate(), v, VALID.email(), VALID.phone())));
        rules.put("RegistrationRequest.email", new Rule(v -> EmailAddress.normalise(str(v), "email", new FieldErrors()) != null));
        rules.put("RegistrationRequest.phone", new Rule(v -> PhoneNumber.toE164(str(v), "phone", new FieldErrors()) != null));
        rules.put("RegistrationRequest.waveCode", waveCode());
        rules.put("header Idempotency-Key", new Rule(v -> IdempotencyKeys.problemWith(str(v)) == null));
        for (String schema : List.of("AccessCodeRequest", "AccessRequest", "RecoveryRequest")) {
            rules.put(schema + ".nik", new Rule(v -> Nik.parse(str(v), "nik", new FieldErrors()) != null));
            rules.put(schema + ".birthDate", new Rule(v -> {
                FieldErrors errors = new FieldErrors();
                AccessCodeRules.identity(VALID.nik(), str(v), LAST_DOCUMENTED_BIRTH_DATE, errors);
                return !errors.has("birthDate");
            }));
        }
        rules.put("AccessRequest.code", new Rule(v -> {
            FieldErrors errors = new FieldErrors();
            AccessCodeRules.checkCode(str(v), errors);
            return errors.isEmpty();
        }));
        rules.put("RecoveryRequest.email", new Rule(v -> EmailAddress.normalise(str(v), "email", new FieldErrors()) != null));
        rules.put("RecoveryRequest.ticket", new Rule(v -> {
            FieldErrors errors = new FieldErrors();
            AccessCodeRules.checkTicket(str(v), errors);
            return errors.isEmpty();
        }));
        rules.put("VoidRequest.nik", new Rule(v -> Nik.parse(str(v), "nik", new FieldErrors()) != null));
        rules.put("VoidRequest.caseReference", new Rule(v -> VoidCase.check(str(v), "caseReference", new FieldErrors()) != null));
        rules.put("UploadUrlRequest.contentType", photo("contentType"));
        rules.put("UploadUrlRequest.contentLength", photo("contentLength"));
        rules.put("UploadUrlRequest.checksumSha256", photo("checksumSha256"));
        rules.put("CodeRequest.code", new Rule(v -> EmailCodeRules.looksLikeCode(str(v))));
        rules.put("AddressChange.address", new Rule(v -> EmailAddress.normalise(str(v), "address", new FieldErrors()) != null));
        for (String schema : List.of("WaveDefinition", "WaveChange")) {
            rules.put(schema + ".quota", wave("quota", v -> WaveRules.checkSchedule(OPENS, CLOSES, integer(v), 2, Instant.now(), v.errors)));
            rules.put(schema + ".householdLimit", wave("householdLimit",
                    v -> WaveRules.checkSchedule(OPENS, CLOSES, 10, integer(v), Instant.now(), v.errors)));
            rules.put(schema + ".retentionDays", wave("retentionDays", v -> WaveRules.checkRetention(integer(v), "ALL", v.errors)));
            rules.put(schema + ".retentionScope", wave("retentionScope", v -> WaveRules.checkRetention(90, str(v), v.errors)));
        }
        for (String field : List.of("WaveDefinition.opensAt", "WaveDefinition.closesAt", "WaveChange.opensAt", "WaveChange.closesAt")) {
            rules.put(field, new Rule(DocumentedRulesTest::readsAsInstant));
        }
        rules.put("WaveDefinition.code", waveCode());
        rules.put("WaveDefinition.selection", wave("selection", v -> WaveRules.selection(str(v), false, v.errors)));
        rules.put("WaveDefinition.drawCommitment", wave("drawCommitment",
                v -> WaveRules.checkDrawCommitment(str(v), WaveSelection.DRAW, v.errors)));
        rules.put("DrawRequest.seed", new Rule(v -> {
            try {
                return v instanceof String hex && DrawSeed.parse(hex).length == DrawSeed.BYTES;
            } catch (ProblemException e) {
                return false;
            }
        }));
        rules.put("path code", waveCode());
        rules.put("query limit", new Rule(v -> given().header("X-Operator-Key", Operator.KEY).queryParam("limit", v)
                .get("/v1/admin/audit").statusCode() == 200));
        rules.put("query waveCode", new Rule(v -> given().header("X-Operator-Key", Operator.KEY).queryParam("waveCode", v)
                .get("/v1/admin/audit").statusCode() == 200));
        return rules;
    }

    /** Fields with no rule beyond their type (booleans; a draw's settings, true only with DRAW, in the document's if/then). */
    private static final Set<String> TYPED_ONLY = Set.of("WaveDefinition.drawRequiresVerifiedNik", "WaveDefinition.notifyNotSelected");

    @Test
    void everyRequestRuleIsDeclaredAndTheDocumentAndTheServerJudgeEveryProbeAlike() {
        Map<String, JsonNode> declared = declaredRequestRules();
        assertThat(new TreeSet<>(declared.keySet())).as("request fields and parameters in the document")
                .containsAll(rules().keySet());
        Set<String> unchecked = new TreeSet<>(declared.keySet());
        unchecked.removeAll(rules().keySet());
        unchecked.removeAll(TYPED_ONLY);
        assertThat(unchecked).as("request fields and parameters no rule here checks").isEmpty();

        List<String> disagreements = new ArrayList<>();
        rules().forEach((name, rule) -> {
            JsonNode schema = declared.get(name);
            for (Object probe : probes(schema)) {
                boolean documented = JsonSchemaSubset.accepts(schema, probe);
                boolean served = rule.accepts().test(probe);
                if (documented != served) {
                    disagreements.add(name + " " + describe(probe) + ": document " + verdict(documented) + ", server " + verdict(served));
                }
            }
        });
        assertThat(disagreements).as("values the document and the server judge differently").isEmpty();
    }

    @Test
    void everyRequestBodyRefusesUnknownFieldsAsTheServerDoes() {
        for (String schema : requestBodySchemas()) {
            assertThat(document.at("/components/schemas/" + schema + "/additionalProperties").asBoolean(true))
                    .as(schema + " declares additionalProperties: false").isFalse();
        }
        given().contentType("application/json").header("Idempotency-Key", "unknown-field")
                .body("{\"nik\":\"3171234501900001\",\"nickname\":\"x\"}").post("/v1/registrations")
                .then().statusCode(400);
    }

    @Test
    void theIdempotencyKeyIsARequiredHeader() {
        JsonNode key = parameter("/v1/registrations", "post", "header", "Idempotency-Key");
        assertThat(key.path("required").asBoolean()).isTrue();
        assertThat(key.at("/schema/minLength").asInt()).isEqualTo(1);
        assertThat(key.at("/schema/maxLength").asInt()).isEqualTo(IdempotencyKeys.MAX_LENGTH);
    }

    // --- the document's side -----------------------------------------------------------------

    /** "Schema.property" for request-body fields, "header/query/path name" for parameters, with their schemas. */
    private Map<String, JsonNode> declaredRequestRules() {
        Map<String, JsonNode> declared = new LinkedHashMap<>();
        for (String schema : requestBodySchemas()) {
            document.at("/components/schemas/" + schema + "/properties").fields()
                    .forEachRemaining(p -> declared.put(schema + "." + p.getKey(), resolve(p.getValue())));
        }
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            for (JsonNode parameter : operation.getValue().path("parameters")) {
                JsonNode schema = parameter.path("schema");
                if (parameter.path("allowEmptyValue").asBoolean(false)) {
                    // As a validator reads it (and Schemathesis generates it): the schema, or an empty value.
                    ObjectMapper json = new ObjectMapper();
                    schema = json.createObjectNode().set("anyOf", json.createArrayNode().add(schema)
                            .add(json.createObjectNode().set("enum", json.createArrayNode().add(""))));
                }
                declared.put(parameter.path("in").asText() + " " + parameter.path("name").asText(), schema);
            }
        }));
        declared.remove("path id");
        return declared;
    }

    private Set<String> requestBodySchemas() {
        Set<String> schemas = new LinkedHashSet<>();
        document.path("paths").forEach(path -> path.forEach(operation -> {
            String ref = operation.at("/requestBody/content/application~1json/schema/$ref").asText("");
            if (!ref.isEmpty()) {
                schemas.add(ref.substring(ref.lastIndexOf('/') + 1));
            }
        }));
        return schemas;
    }

    private JsonNode parameter(String path, String method, String in, String name) {
        for (JsonNode parameter : document.path("paths").path(path).path(method).path("parameters")) {
            if (in.equals(parameter.path("in").asText()) && name.equals(parameter.path("name").asText())) {
                return parameter;
            }
        }
        throw new AssertionError("No " + in + " parameter " + name + " on " + method + " " + path);
    }

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.isEmpty() ? schema : document.at(ref.substring(1));
    }

    /** The values tried for a field: what its schema names, near misses, and mutations of a valid example. */
    private static List<Object> probes(JsonNode schema) {
        Set<Object> probes = new LinkedHashSet<>();
        if (schema.has("anyOf")) {
            // The empty value's own branch adds just that value: the other branch's probes cover the rest.
            schema.path("anyOf").forEach(branch -> probes.addAll(branch.has("type") || branch.has("pattern") ? probes(branch) : List.of("")));
            return new ArrayList<>(probes);
        }
        if (schema.has("minimum") || schema.has("maximum")) {
            for (String bound : List.of("minimum", "maximum")) {
                long value = schema.path(bound).asLong();
                for (long delta = -2; delta <= 2; delta++) {
                    probes.add(value + delta);
                }
            }
            probes.addAll(List.of(0L, -1L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE));
            return new ArrayList<>(probes);
        }
        List<String> seeds = new ArrayList<>();
        schema.path("enum").forEach(value -> seeds.add(value.asText()));
        schema.path("examples").forEach(value -> seeds.add(value.asText()));
        seeds.addAll(knownValid(schema));
        for (String seed : seeds) {
            probes.addAll(mutations(seed, schema.path("maxLength").asInt(40)));
        }
        probes.addAll(List.of("", " ", "null", "\n"));
        return new ArrayList<>(probes);
    }

    /** Valid values the document gives no example of, by the pattern they must match. */
    private static List<String> knownValid(JsonNode schema) {
        String pattern = schema.path("pattern").asText("");
        List<String> valid = new ArrayList<>();
        for (String candidate : List.of(VALID.nik(), VALID.kkNumber(), "Siti Rahayu", "Ni Luh Putu Ayu", "R.A. Kartini",
                "1990-01-05", "2000-02-29", VALID.email(), "a.b+c@sub.example.co.id", "+62 812-3456-7890", "6281234567890",
                "0812345678", "2026-1", "LOCAL-1", "a", "request-7f3c", "042137",
                "Rm+nOSzxVpKisj6/g8hMpzkucphk0TS+94nudpgUwE7=",
                "2026-12-08T00:49:20Z", "SUP-2026-0042", "a1234567.b/c#d:e_f", "2024-02-29T23:59:59.123456789+07:00", "2100-02-28t12:00:00.5-18:00", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")) {
            // A NIK, family-card or phone number only where one is asked for: elsewhere (a wave code in a
            // URL) it would put a personal-looking number in the access log, which LogHygieneIT refuses.
            boolean personalShape = candidate.matches("[+0-9 -]{10,}");
            if (personalShape && !List.of(Nik.PATTERN, KkNumber.PATTERN, PhoneNumber.PATTERN).contains(pattern)) {
                continue;
            }
            if (!pattern.isEmpty() && JsonSchemaSubset.matches(pattern, candidate)) {
                valid.add(candidate);
            }
        }
        return valid;
    }

    private static Set<String> mutations(String seed, int maxLength) {
        Set<String> mutated = new LinkedHashSet<>(List.of(seed, seed + "\n", " " + seed, seed + " ", seed.toUpperCase(),
                seed.toLowerCase(), seed + seed));
        for (int i = 0; i < seed.length(); i++) {
            mutated.add(seed.substring(0, i) + seed.substring(i + 1));
            mutated.add(seed.substring(0, i) + seed.charAt(i) + seed.substring(i));
            for (String c : ALPHABET) {
                mutated.add(seed.substring(0, i) + c + seed.substring(i + 1));
                mutated.add(seed.substring(0, i) + c + seed.substring(i));
            }
        }
        for (String c : ALPHABET) {
            mutated.add(seed + c);
        }
        if (!seed.isEmpty()) {
            for (int length : List.of(maxLength - 1, maxLength, maxLength + 1)) {
                String repeated = seed.repeat(length / seed.length() + 1).substring(0, Math.max(length, 0));
                mutated.add(repeated);
            }
            mutated.add("𝒜".repeat(maxLength));
        }
        return mutated;
    }

    // --- the server's side -------------------------------------------------------------------

    private static Rule applicant(String field, java.util.function.Function<String, Submission> submission) {
        return new Rule(v -> {
            FieldErrors errors = new FieldErrors();
            ApplicantRules.check(submission.apply(str(v)), FAR_FUTURE, errors);
            return !errors.has(field);
        });
    }

    private static Rule photo(String field) {
        return new Rule(v -> {
            FieldErrors errors = new FieldErrors();
            KtpPhoto.declare("contentType".equals(field) ? str(v) : "image/jpeg",
                    "contentLength".equals(field) ? (v instanceof Long l ? l : null) : 4096L,
                    "checksumSha256".equals(field) ? str(v) : "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", errors);
            return !errors.has(field);
        });
    }

    /** Whether the application's own ObjectMapper reads the value as an Instant, as it reads a request body. */
    private static boolean readsAsInstant(Object value) {
        ObjectMapper json = Arc.container().instance(ObjectMapper.class).get();
        try {
            return json.readValue(json.writeValueAsString(str(value)), Instant.class) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Rule waveCode() {
        return new Rule(v -> {
            FieldErrors errors = new FieldErrors();
            WaveRules.checkCode(str(v), errors);
            return errors.isEmpty();
        });
    }

    private static final class Checked {
        final Object value;
        final FieldErrors errors = new FieldErrors();

        Checked(Object value) {
            this.value = value;
        }
    }

    private static Rule wave(String field, java.util.function.Consumer<Checked> check) {
        return new Rule(v -> {
            Checked checked = new Checked(v);
            check.accept(checked);
            return !checked.errors.has(field);
        });
    }

    private static String str(Object value) {
        return value instanceof Checked c ? str(c.value) : value == null ? null : value.toString();
    }

    private static Integer integer(Object value) {
        Object v = value instanceof Checked c ? c.value : value;
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        return null;
    }

    private static String verdict(boolean accepts) {
        return accepts ? "accepts" : "refuses";
    }

    private static String describe(Object probe) {
        String text = String.valueOf(probe);
        String shown = text.length() > 60 ? text.substring(0, 60) + "... (" + text.length() + " chars)" : text;
        return "\"" + shown.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    /** The JSON Schema keywords the request schemas use, read as a JSON Schema validator reads them. */
    static final class JsonSchemaSubset {

        static boolean accepts(JsonNode schema, Object value) {
            if (schema.has("anyOf")) {
                for (JsonNode branch : schema.path("anyOf")) {
                    if (accepts(branch, value)) {
                        return true;
                    }
                }
                return false;
            }
            if (schema.has("enum")) {
                boolean listed = false;
                for (JsonNode allowed : schema.path("enum")) {
                    listed |= allowed.asText().equals(String.valueOf(value)) && !(value instanceof Long);
                }
                if (!listed) {
                    return false;
                }
            }
            if (value instanceof Long number) {
                String type = schema.path("type").asText(schema.path("type").path(0).asText());
                return "integer".equals(type)
                        && (!schema.has("minimum") || BigDecimal.valueOf(number).compareTo(schema.path("minimum").decimalValue()) >= 0)
                        && (!schema.has("maximum") || BigDecimal.valueOf(number).compareTo(schema.path("maximum").decimalValue()) <= 0);
            }
            if ("integer".equals(schema.path("type").asText(schema.path("type").path(0).asText()))) {
                return false;
            }
            String text = (String) value;
            int length = text.codePointCount(0, text.length());
            if ("date".equals(schema.path("format").asText())) {
                try {
                    java.time.LocalDate.parse(text);
                } catch (java.time.format.DateTimeParseException e) {
                    return false;
                }
            }
            return (!schema.has("minLength") || length >= schema.path("minLength").asInt())
                    && (!schema.has("maxLength") || length <= schema.path("maxLength").asInt())
                    && (!schema.has("pattern") || matches(schema.path("pattern").asText(), text));
        }

        /**
         * ECMA-262 semantics for the constructs these patterns use: a search (not a whole match), and a
         * final {@code $} that matches only at the very end (Java's would also match before a final newline).
         */
        static boolean matches(String pattern, String text) {
            String ecma = pattern.endsWith("$") && !pattern.endsWith("\\$") ? pattern.substring(0, pattern.length() - 1) + "\\z" : pattern;
            return Pattern.compile(ecma).matcher(text).find();
        }
    }
}
