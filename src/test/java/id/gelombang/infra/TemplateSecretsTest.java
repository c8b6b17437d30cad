package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Each function of infra/template.yaml gets only the secrets it uses, and only the
 * schema-migration function holds the database master credentials.
 */
class TemplateSecretsTest {

    private static final Pattern SECRET_REFERENCE = Pattern.compile("\\{\\{resolve:secretsmanager:\\$\\{(\\w+)}(?::SecretString:(\\w+))?");

    private static JsonNode template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra", "template.yaml").toFile());
    }

    @Test
    void sharedSettingsHoldNoSecret() {
        assertThat(secretsIn(template.at("/Globals/Function/Environment/Variables"))).isEmpty();
    }

    @Test
    void everyFunctionGetsExactlyTheSecretsItUses() {
        Map<String, Set<String>> actual = new TreeMap<>();
        template.get("Resources").properties().forEach(resource -> {
            if ("AWS::Serverless::Function".equals(resource.getValue().path("Type").asText())) {
                actual.put(resource.getKey(), secretsIn(resource.getValue().at("/Properties/Environment/Variables")));
            }
        });
        Set<String> appUser = Set.of("DatabaseAppUserSecret:username", "DatabaseAppUserSecret:password");
        Set<String> keys = Set.of("DataKeySecret", "LookupKeySecret");
        assertThat(actual).isEqualTo(Map.of(
                // The edge's origin secret only with Edge=CloudFront (TemplateEdgeTest).
                "ApiFunction", union(appUser, keys, Set.of("OperatorKeySecret", "EdgeOriginSecret")),
                "EmailWorkerFunction", union(appUser, keys),
                "NikWorkerFunction", union(appUser, keys, Set.of("DukcapilCredentialSecret")),
                "UploadWorkerFunction", appUser,
                // It digests the address SES reports, to find the registrations; it decrypts nothing.
                "EmailFeedbackFunction", union(appUser, Set.of("LookupKeySecret")),
                // The draw is the operator API's route, and the only function with the draw seed's private
                // key; the data key opens seeds sealed before the draw had a key of its own.
                "DrawFunction", union(appUser, keys, Set.of("OperatorKeySecret", "DrawSeedKeySecret")),
                // Erasing deletes rows and objects; it decrypts nothing.
                "RetentionFunction", appUser,
                "SchemaMigrationFunction", Set.of("DatabaseSecret:username", "DatabaseSecret:password", "DatabaseAppUserSecret:password")));
    }

    @Test
    void onlyTheDrawFunctionCanUnsealADrawSeed() {
        Set<String> withPrivateKey = new TreeSet<>();
        Set<String> withPublicKey = new TreeSet<>();
        Set<String> readingTheSecret = new TreeSet<>();
        template.get("Resources").properties().forEach(resource -> {
            JsonNode variables = resource.getValue().at("/Properties/Environment/Variables");
            if (variables.has("GELOMBANG_DRAW_SEED_PRIVATE_KEY")) {
                withPrivateKey.add(resource.getKey());
            }
            if (variables.has("GELOMBANG_DRAW_SEED_PUBLIC_KEY")) {
                withPublicKey.add(resource.getKey());
            }
            if (resource.getValue().toString().contains("DrawSeedKeySecret") && !"DrawSeedKeySecret".equals(resource.getKey())) {
                readingTheSecret.add(resource.getKey());
            }
        });
        assertThat(withPrivateKey).containsExactly("DrawFunction");
        // Every resource naming the private key's secret (an environment, or an IAM grant to read it at run time).
        assertThat(readingTheSecret).containsExactly("DrawFunction");
        // The function that creates waves seals with the public key.
        assertThat(withPublicKey).containsExactly("ApiFunction");
        // With the Secrets extension the key is read at run time and never resolved into the environment.
        JsonNode draw = template.at("/Resources/DrawFunction/Properties");
        assertThat(draw.at("/Environment/Variables/GELOMBANG_DRAW_SEED_PRIVATE_KEY/0").asText()).isEqualTo("DrawSeedKeyInEnvironment");
        assertThat(draw.at("/Environment/Variables/GELOMBANG_DRAW_SEED_PRIVATE_KEY_SECRET/0").asText())
                .isEqualTo("DrawSeedKeyAtRunTime");
        assertThat(draw.at("/Layers/0").asText()).isEqualTo("DrawSeedKeyAtRunTime");
        assertThat(template.at("/Conditions/DrawSeedKeyInEnvironment").toString()).contains("DrawSeedKeyAtRunTime");
        // The extension reaches Secrets Manager only through the NAT gateway.
        assertThat(template.at("/Conditions/DrawSeedKeyAtRunTime").toString()).contains("EgressEnabled", "DukcapilCredentialAtRunTime");
        assertThat(template.at("/Globals/Function/Environment/Variables").toString()).doesNotContain("DRAW_SEED");
    }

    @Test
    void onlyTheFunctionsThatTouchTheBucketKnowIt() {
        Set<String> withBucket = new TreeSet<>();
        template.get("Resources").properties().forEach(resource -> {
            if (resource.getValue().at("/Properties/Environment/Variables").has("GELOMBANG_UPLOAD_BUCKET")) {
                withBucket.add(resource.getKey());
            }
        });
        // KTP photos (API, upload worker, retention), the published wave schedule (API, retention,
        // the migration function that seeds waves) and draws' lists of ranks (API, the draw function).
        assertThat(withBucket).containsExactly("ApiFunction", "DrawFunction", "RetentionFunction", "SchemaMigrationFunction",
                "UploadWorkerFunction");
        assertThat(template.at("/Globals/Function/Environment/Variables").has("GELOMBANG_UPLOAD_BUCKET")).isFalse();
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }

    /** Secret (and JSON key) each variable resolves; the YAML reader keeps a !Sub's string. */
    private static Set<String> secretsIn(JsonNode variables) {
        Set<String> secrets = new TreeSet<>();
        variables.properties().forEach(variable -> {
            Matcher reference = SECRET_REFERENCE.matcher(variable.getValue().isTextual() ? variable.getValue().asText() : variable.getValue().toString());
            while (reference.find()) {
                secrets.add(reference.group(2) == null ? reference.group(1) : reference.group(1) + ":" + reference.group(2));
            }
        });
        return secrets;
    }
}
