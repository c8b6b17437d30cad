package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import id.gelombang.testing.Api;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a browser on the public site needs from the template's CORS rules: every header the page
 * sends and reads on the HTTP API, and every header of a real presigned upload on the KTP bucket,
 * for the site's own origin and, with ReferenceSite=CloudFront, the reference page's origin.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class TemplateCorsTest {

    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() throws IOException {
        resources = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra", "template.yaml").toFile()).get("Resources");
    }

    @Test
    void theHttpApiAdmitsWhatThePageSendsAndReads() {
        JsonNode cors = resources.at("/Api/Properties/CorsConfiguration");
        assertThat(strings(cors.get("AllowMethods"))).contains("get", "post", "delete");
        assertThat(strings(cors.get("AllowHeaders"))).contains("authorization", "content-type", "idempotency-key");
        assertThat(strings(cors.get("ExposeHeaders"))).contains("location", "retry-after", "idempotent-replayed");
        assertOrigins(cors.get("AllowOrigins"));
    }

    @Test
    void theKtpBucketAdmitsEveryHeaderOfARealPresignedUpload() {
        byte[] photo = Photos.jpeg(50_000);
        Map<String, String> signed = Api.uploadUrl(Api.registerNew(), "image/jpeg", photo.length, Photos.sha256(photo))
                .then().statusCode(201).extract().path("headers");
        JsonNode rule = resources.at("/KtpBucket/Properties/CorsConfiguration/CorsRules/0");
        List<String> browserSends = signed.keySet().stream().map(h -> h.toLowerCase(Locale.ROOT))
                .filter(h -> !h.equals("content-length")) // set by the browser itself, never a CORS matter
                .toList();
        assertThat(browserSends).isNotEmpty();
        assertThat(strings(rule.get("AllowedHeaders"))).containsAll(browserSends);
        assertThat(strings(rule.get("AllowedMethods"))).containsExactly("put");
        assertOrigins(rule.get("AllowedOrigins"));
    }

    @Test
    void aDrawsListOfRanksMayBeReadAfterTheRedirect() {
        // A redirect to another origin makes a browser send Origin: null, which only '*' admits.
        JsonNode rule = resources.at("/KtpBucket/Properties/CorsConfiguration/CorsRules/1");
        assertThat(strings(rule.get("AllowedMethods"))).containsExactly("get");
        assertThat(strings(rule.get("AllowedOrigins"))).containsExactly("*");
        assertThat(rule.has("AllowedHeaders")).isFalse();
    }

    /** !If [SiteOnCloudFront, [site, reference page], [site]]: the site's origin either way. */
    private static void assertOrigins(JsonNode origins) {
        assertThat(origins.isArray()).isTrue();
        assertThat(origins.get(0).asText()).isEqualTo("SiteOnCloudFront");
        assertThat(origins.get(1).toString()).contains("PublicSiteOrigin").contains("${SiteDistribution.DomainName}");
        assertThat(origins.get(2).toString()).contains("PublicSiteOrigin");
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText().toLowerCase(Locale.ROOT)));
        return values;
    }
}
