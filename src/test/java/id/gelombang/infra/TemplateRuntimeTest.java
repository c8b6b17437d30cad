package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The API function runs the custom runtime Maven builds (target/api-function.zip: jlinked JDK,
 * AOT cache, src/main/lambda/bootstrap), without SnapStart, which Lambda offers only on managed
 * runtimes; every other function runs function.zip on the managed Java runtime.
 */
class TemplateRuntimeTest {

    private static JsonNode template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra", "template.yaml").toFile());
    }

    @Test
    void theApiFunctionRunsTheCustomRuntimeWithoutSnapStart() throws IOException {
        JsonNode api = template.at("/Resources/ApiFunction/Properties");
        assertThat(api.path("Runtime").asText()).isEqualTo("provided.al2023");
        assertThat(api.path("CodeUri").asText()).isEqualTo("../target/api-function.zip");
        assertThat(api.has("SnapStart")).isFalse();
        assertThat(template.at("/Globals/Function").has("SnapStart")).isFalse();
        // The bootstrap passes Lambda's _HANDLER to the runtime client: it must name a real handler.
        String handler = api.path("Handler").asText();
        assertThat(Files.readString(Path.of("src", "main", "lambda", "bootstrap"))).contains("\"${_HANDLER:-" + handler + "}\"");
        String handlerClass = handler.substring(0, handler.indexOf("::"));
        assertThat(classExists(handlerClass)).as(handlerClass + " on the class path").isTrue();
        // The package carries the runtime client's native library for x86_64 only, and the bootstrap names it.
        JsonNode architectures = api.has("Architectures") ? api.get("Architectures") : template.at("/Globals/Function/Architectures");
        assertThat(architectures.toString()).isEqualTo("[\"x86_64\"]");
        assertThat(Files.readString(Path.of("src", "main", "lambda", "bootstrap"))).contains("libaws-lambda-jni.linux-x86_64.so");
    }

    @Test
    void everyOtherFunctionRunsFunctionZipOnTheManagedJavaRuntime() {
        Map<String, String> runtimes = new TreeMap<>();
        template.get("Resources").properties().forEach(resource -> {
            JsonNode properties = resource.getValue().path("Properties");
            if ("AWS::Serverless::Function".equals(resource.getValue().path("Type").asText())
                    && !"ApiFunction".equals(resource.getKey())) {
                runtimes.put(resource.getKey(), properties.path("Runtime").asText(template.at("/Globals/Function/Runtime").asText())
                        + " " + properties.path("CodeUri").asText(template.at("/Globals/Function/CodeUri").asText()));
            }
        });
        assertThat(runtimes).isNotEmpty().allSatisfy((name, runtime) -> assertThat(runtime).isEqualTo("java21 ../target/function.zip"));
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, TemplateRuntimeTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
