package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.security.EdgeOrigin;

/**
 * The optional edge (infra/template.yaml Edge=CloudFront, with the web ACL of infra/edge-waf.yaml):
 * off by default and then nothing of it exists; when on, the public site's calls work through it as
 * they do straight against the HTTP API (nothing cached, every header the API needs forwarded but
 * Host, answers passed back as they are), the API function learns the origin secret CloudFront
 * sends, and the WAF's own refusal is a 429 the site retries.
 */
class TemplateEdgeTest {

    /** AWS's managed policies (CloudFront developer guide, "Use managed ... policies"). */
    static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    static final String ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode template;
    private static JsonNode waf;

    @BeforeAll
    static void readTemplates() throws IOException {
        template = JSON.valueToTree(CloudFormationYaml.read(Path.of("infra", "template.yaml")));
        waf = JSON.valueToTree(CloudFormationYaml.read(Path.of("infra", "edge-waf.yaml")));
    }

    @Test
    void theEdgeIsOffByDefaultAndThenNothingOfItExists() {
        assertThat(template.at("/Parameters/Edge/Default").asText()).isEqualTo("Disabled");
        assertThat(template.at("/Parameters/EdgeWebAclArn/Default").asText()).isEmpty();
        List<String> edgeResources = new ArrayList<>();
        template.get("Resources").properties().forEach(resource -> {
            String text = resource.getValue().toString();
            if (text.contains("ApiDistribution") || text.contains("EdgeOriginSecret")
                    || resource.getKey().equals("ApiDistribution") || resource.getKey().equals("EdgeOriginSecret")) {
                edgeResources.add(resource.getKey());
            }
        });
        assertThat(edgeResources).containsExactlyInAnyOrder("ApiDistribution", "EdgeOriginSecret", "ApiFunction");
        assertThat(template.at("/Resources/ApiDistribution/Condition").asText()).isEqualTo("EdgeOnCloudFront");
        assertThat(template.at("/Resources/EdgeOriginSecret/Condition").asText()).isEqualTo("EdgeOnCloudFront");
        // The API function is given the secret only with the edge on.
        JsonNode secret = template.at("/Resources/ApiFunction/Properties/Environment/Variables/GELOMBANG_EDGE_ORIGIN_SECRET/Fn::If");
        assertThat(secret.get(0).asText()).isEqualTo("EdgeOnCloudFront");
        assertThat(secret.get(1).toString()).contains("{{resolve:secretsmanager:${EdgeOriginSecret}}}");
        assertThat(secret.get(2).toString()).contains("AWS::NoValue");
        assertThat(template.at("/Conditions/EdgeOnCloudFront").toString()).contains("Edge").contains("CloudFront");
        assertThat(template.at("/Outputs/EdgeUrl/Condition").asText()).isEqualTo("EdgeOnCloudFront");
    }

    @Test
    void theDistributionForwardsEverythingTheApiNeedsButHostAndCachesNothing() {
        JsonNode config = template.at("/Resources/ApiDistribution/Properties/DistributionConfig");
        JsonNode origin = config.at("/Origins/0");
        assertThat(origin.at("/DomainName/Fn::Sub").asText()).isEqualTo("${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}");
        assertThat(origin.at("/CustomOriginConfig/OriginProtocolPolicy").asText()).isEqualTo("https-only");
        JsonNode behaviour = config.get("DefaultCacheBehavior");
        assertThat(behaviour.get("TargetOriginId").asText()).isEqualTo(origin.get("Id").asText());
        assertThat(strings(behaviour.get("AllowedMethods"))).contains("GET", "POST", "PUT", "DELETE", "OPTIONS");
        // No caching: API answers are personal and no-store. All viewer headers but Host reach the API
        // (Authorization, Idempotency-Key, Content-Type, Origin and the preflight's): API Gateway
        // answers only for its own Host. The managed policy forwards Authorization, which a custom
        // origin request policy may not, and adds CloudFront's headers (CloudFront-Viewer-Address).
        assertThat(behaviour.get("CachePolicyId").asText()).isEqualTo(CACHING_DISABLED);
        assertThat(behaviour.get("OriginRequestPolicyId").asText()).isEqualTo(ALL_VIEWER_EXCEPT_HOST_HEADER);
        assertThat(behaviour.has("ForwardedValues")).as("legacy cache settings").isFalse();
        assertThat(behaviour.get("ViewerProtocolPolicy").asText()).isEqualTo("https-only");
        // The origin secret is the header the application checks, with the secret's value.
        JsonNode header = origin.at("/OriginCustomHeaders/0");
        assertThat(header.get("HeaderName").asText()).isEqualToIgnoringCase(EdgeOrigin.SECRET_HEADER);
        assertThat(header.at("/HeaderValue/Fn::Sub").asText()).isEqualTo("{{resolve:secretsmanager:${EdgeOriginSecret}}}");
        // The web ACL only when one is given, and then only on the edge.
        assertThat(config.at("/WebACLId/Fn::If/0").asText()).isEqualTo("EdgeWafAttached");
        assertThat(template.at("/Conditions/EdgeWafAttached").toString()).contains("EdgeOnCloudFront").contains("EdgeWebAclArn");
        assertThat(template.at("/Rules/EdgeWebAclNeedsTheEdge").toString()).contains("EdgeWebAclArn").contains("CloudFront");
        // The site may send the WAF's challenge token to the API.
        assertThat(strings(template.at("/Resources/Api/Properties/CorsConfiguration/AllowHeaders"))).contains("x-aws-waf-token");
    }

    @Test
    void theWebAclLivesWhereCloudFrontsMustAndRefusesLikeTheApi() {
        JsonNode acl = waf.at("/Resources/EdgeWebAcl/Properties");
        assertThat(acl.get("Scope").asText()).isEqualTo("CLOUDFRONT");
        assertThat(acl.at("/DefaultAction/Allow").isObject()).isTrue();
        Map<String, JsonNode> rules = rules(acl.get("Rules"));
        assertThat(rules).containsKeys("ip-reputation", "registrations-per-address", "requests-per-address",
                "bot-control", "challenge-registrations");
        assertThat(rules.get("ip-reputation").at("/Statement/ManagedRuleGroupStatement/Name").asText())
                .isEqualTo("AWSManagedRulesAmazonIpReputationList");

        // Per address, registrations only: generous (carrier-grade NAT), and refused as the API
        // refuses a burst: 429, Retry-After, a problem body of the API's own type, CORS for the site.
        JsonNode perAddress = rules.get("registrations-per-address");
        JsonNode rate = perAddress.at("/Statement/RateBasedStatement");
        assertThat(rate.get("AggregateKeyType").asText()).isEqualTo("IP");
        assertThat(waf.at("/Parameters/RegistrationsPerAddress/Default").asInt()).isGreaterThanOrEqualTo(500);
        assertThat(rate.at("/ScopeDownStatement").toString()).contains("POST");
        // The registration route however it is spelt: a trailing slash, doubled slashes or an encoded
        // character reach the same handler, so they must not pass the rule uncounted.
        JsonNode path = rate.at("/ScopeDownStatement/AndStatement/Statements/1/RegexMatchStatement");
        java.util.regex.Pattern route = java.util.regex.Pattern.compile(path.get("RegexString").asText());
        assertThat(route.matcher("/v1/registrations").matches()).isTrue();
        assertThat(route.matcher("/v1/registrations/").matches()).isTrue();
        assertThat(route.matcher("/v1/registrations/0b6f6d2e-5f0a-4e4b-9d55-3c1a2b7e9f10/email/verify").find()).isFalse();
        assertThat(path.get("TextTransformations").toString()).contains("URL_DECODE").contains("NORMALIZE_PATH");
        JsonNode refusal = perAddress.at("/Action/Block/CustomResponse");
        assertThat(refusal.get("ResponseCode").asInt()).isEqualTo(429);
        assertThat(headers(refusal)).containsEntry("retry-after", "60").containsKey("access-control-allow-origin")
                .containsEntry("access-control-expose-headers", "retry-after");
        String body = acl.at("/CustomResponseBodies/" + refusal.get("CustomResponseBodyKey").asText() + "/Content").asText();
        assertThat(body).contains("\"type\":\"" + ProblemType.BASE_URI + "rate-limited\"").contains("\"status\":429");
        assertThat(waf.at("/Parameters/SiteOrigin/Default").asText())
                .isEqualTo(template.at("/Parameters/PublicSiteOrigin/Default").asText());

        // Bot Control and the challenge cost extra and need the site's help: off unless asked for.
        assertThat(waf.at("/Parameters/BotControl/Default").asText()).isEqualTo("Disabled");
        assertThat(waf.at("/Parameters/ChallengeRegistrations/Default").asText()).isEqualTo("Disabled");
        assertThat(rules.get("challenge-registrations").at("/Action/Challenge").isObject()).isTrue();
    }

    /** Rules by name, those inside an Fn::If included. */
    private static Map<String, JsonNode> rules(JsonNode list) {
        Map<String, JsonNode> byName = new java.util.TreeMap<>();
        for (JsonNode rule : list) {
            JsonNode named = rule.has("Fn::If") ? rule.get("Fn::If").get(1) : rule;
            byName.put(named.get("Name").asText(), named);
        }
        return byName;
    }

    private static Map<String, String> headers(JsonNode customResponse) {
        Map<String, String> headers = new java.util.TreeMap<>();
        customResponse.get("ResponseHeaders").forEach(h -> headers.put(h.get("Name").asText(), h.get("Value").isTextual()
                ? h.get("Value").asText() : h.get("Value").toString()));
        return headers;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }
}
