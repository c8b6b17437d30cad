package id.gelombang.infra;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * infra/template.yaml as CloudFormation reads it: the short forms of intrinsic functions
 * ({@code !Ref X}, {@code !Sub '...'}, {@code !GetAtt A.B}, {@code !If [...]}) become their long
 * JSON forms ({@code {"Ref": "X"}}, {@code {"Fn::Sub": "..."}}, {@code {"Fn::GetAtt": ["A", "B"]}}),
 * so a test can tell a literal from a value CloudFormation computes. (Jackson's YAML reader drops
 * the tags and keeps only their argument.)
 */
final class CloudFormationYaml {

    private static final List<String> FUNCTIONS = List.of("Base64", "Cidr", "Equals", "FindInMap", "GetAZs", "If",
            "ImportValue", "Join", "Not", "And", "Or", "Select", "Split", "Sub", "Transform", "ToJsonString", "Length");

    private CloudFormationYaml() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path template) throws IOException {
        try (Reader in = Files.newBufferedReader(template)) {
            return (Map<String, Object>) new Yaml(new IntrinsicFunctions()).load(in);
        }
    }

    private static final class IntrinsicFunctions extends SafeConstructor {

        IntrinsicFunctions() {
            super(new LoaderOptions());
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
            yamlConstructors.put(new Tag("!GetAtt"), new Intrinsic("Fn::GetAtt"));
            FUNCTIONS.forEach(name -> yamlConstructors.put(new Tag("!" + name), new Intrinsic("Fn::" + name)));
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String name;

            Intrinsic(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object argument;
                if (node instanceof ScalarNode scalar) {
                    String value = constructScalar(scalar);
                    // !GetAtt Resource.Attribute is ["Resource", "Attribute"] in the long form.
                    argument = "Fn::GetAtt".equals(name) ? Arrays.asList(value.split("\\.", 2)) : value;
                } else if (node instanceof SequenceNode sequence) {
                    argument = constructSequence(sequence);
                } else {
                    argument = constructMapping((MappingNode) node);
                }
                return Map.of(name, argument);
            }
        }
    }
}
