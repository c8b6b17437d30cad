package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every IAM policy document in infra/template.yaml is one IAM accepts, read as IAM reads it: the
 * functions' inline policies (SAM hands each one to IAM as the role's policy), roles' policies and
 * trust policies, and resource policies (buckets). cfn-lint does not check this and no local
 * stand-in enforces IAM: a key that does not belong in a document is found at `sam deploy`, when
 * IAM refuses it and the stack rolls back.
 *
 * IAM's grammar (IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON
 * policy language"): a document holds Version, Id and Statement only; a statement holds Sid,
 * Effect, Action, Resource and Condition (Principal only in resource and trust policies, and a
 * trust policy names no Resource); actions are service:Action; resources are ARNs (here: literal
 * ARNs, or CloudFormation values that are ARNs).
 */
class TemplatePoliciesTest {

    private static final Set<String> DOCUMENT_KEYS = Set.of("Version", "Id", "Statement");
    private static final Set<String> IDENTITY_STATEMENT_KEYS = Set.of("Sid", "Effect", "Action", "Resource", "Condition");
    private static final Pattern ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9*]+");
    private static final Pattern CONDITION_OPERATOR = Pattern.compile("(ForAllValues:|ForAnyValue:)?[A-Za-z]+(IfExists)?");
    private static final Pattern SID = Pattern.compile("[A-Za-z0-9]*");
    /** Resource types whose Ref is an ARN, so a Ref to one may stand in a Resource. */
    private static final Set<String> REF_IS_ARN = Set.of("AWS::SecretsManager::Secret", "AWS::SNS::Topic",
            "AWS::IAM::ManagedPolicy");

    enum Kind {
        /** Attached to a role: no Principal, a Resource in every statement. */
        IDENTITY,
        /** On a resource (bucket, queue, topic): a Principal in every statement. */
        RESOURCE,
        /** A role's AssumeRolePolicyDocument: a Principal, no Resource. */
        TRUST
    }

    record Document(String where, Kind kind, Object body) {
    }

    private static Map<String, Object> template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = CloudFormationYaml.read(Path.of("infra", "template.yaml"));
    }

    @Test
    void everyPolicyDocumentIsOneIamAccepts() {
        List<Document> documents = documents(template);
        assertThat(documents).extracting(Document::kind).contains(Kind.IDENTITY, Kind.RESOURCE, Kind.TRUST);
        List<String> problems = new ArrayList<>();
        documents.forEach(document -> problems.addAll(problems(document)));
        assertThat(problems).as("policy documents IAM would refuse").isEmpty();
    }

    @Test
    void theReadingRefusesWhatIamRefuses() {
        Map<String, Object> allow = Map.of("Effect", "Allow", "Action", "s3:GetObject", "Resource", Map.of("Fn::Sub", "${KtpBucket.Arn}/ktp/*"));
        assertThat(problems(identity(Map.of("Version", "2012-10-17", "Statement", List.of(allow))))).isEmpty();
        // What the NIK worker's policy held: two environment variables beside Version and Statement.
        assertThat(problems(identity(Map.of("Version", "2012-10-17", "Statement", List.of(allow),
                "GELOMBANG_VERIFICATION_DUKCAPIL_RATE_PER_SECOND", Map.of("Ref", "DukcapilRatePerSecond")))))
                .singleElement().asString().contains("GELOMBANG_VERIFICATION_DUKCAPIL_RATE_PER_SECOND");
        assertThat(problems(identity(Map.of("Statement", List.of(allow))))).as("no Version").isNotEmpty();
        assertThat(problems(identity(Map.of("Version", "2012-10-17", "Statement", List.of(with(allow, "Action", "GetObject"))))))
                .as("an action without its service").isNotEmpty();
        assertThat(problems(identity(Map.of("Version", "2012-10-17", "Statement", List.of(with(allow, "Resource", "my-bucket"))))))
                .as("a resource that is not an ARN").isNotEmpty();
        assertThat(problems(identity(Map.of("Version", "2012-10-17", "Statement", List.of(with(allow, "Effect", "allow"))))))
                .as("Effect is case-sensitive").isNotEmpty();
        assertThat(problems(identity(Map.of("Version", "2012-10-17", "Statement", List.of(with(allow, "Principal", "*"))))))
                .as("a Principal in a role's policy").isNotEmpty();
        assertThat(problems(identity(Map.of("Version", "2012-10-17", "Statement", List.of(with(allow, "Resource",
                Map.of("Ref", "KtpBucket")))))))
                .as("a Ref to a bucket is its name, not its ARN").isNotEmpty();
        assertThat(problems(identity(Map.of("Version", "2012-10-17", "Statement", List.of(with(allow, "Condition",
                Map.of("StringLike", "s3:prefix")))))))
                .as("a condition is operator -> key -> values").isNotEmpty();
    }

    /** Every policy document of the template, wherever CloudFormation or SAM takes one. */
    @SuppressWarnings("unchecked")
    static List<Document> documents(Map<String, Object> template) {
        List<Document> documents = new ArrayList<>();
        Map<String, Object> globals = (Map<String, Object>) template.getOrDefault("Globals", Map.of());
        Object globalFunction = globals.get("Function");
        if (globalFunction instanceof Map<?, ?> function) {
            samPolicies("Globals.Function", function.get("Policies"), documents);
        }
        ((Map<String, Object>) template.get("Resources")).forEach((name, value) -> {
            Map<String, Object> resource = (Map<String, Object>) value;
            Object properties = resource.getOrDefault("Properties", Map.of());
            String type = (String) resource.get("Type");
            if ("AWS::Serverless::Function".equals(type) || "AWS::Serverless::StateMachine".equals(type)) {
                samPolicies(name, ((Map<String, Object>) properties).get("Policies"), documents);
            }
            Kind kind = type.startsWith("AWS::IAM::") ? Kind.IDENTITY : Kind.RESOURCE;
            find(name, properties, kind, documents);
        });
        return documents;
    }

    /** SAM's Policies: a policy document, a SAM policy template ({Name: {...}}), or a managed policy's name or ARN. */
    private static void samPolicies(String where, Object policies, List<Document> documents) {
        List<?> list = policies instanceof List<?> l ? l : policies == null ? List.of() : List.of(policies);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> policy && (policy.containsKey("Statement") || policy.containsKey("Version"))) {
                documents.add(new Document(where + ".Policies[" + i + "]", Kind.IDENTITY, policy));
            }
        }
    }

    private static void find(String where, Object node, Kind kind, List<Document> documents) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("PolicyDocument".equals(key)) {
                    branches(value).forEach(doc -> documents.add(new Document(where + ".PolicyDocument", kind, doc)));
                } else if ("AssumeRolePolicyDocument".equals(key)) {
                    branches(value).forEach(doc -> documents.add(new Document(where + ".AssumeRolePolicyDocument", Kind.TRUST, doc)));
                } else {
                    find(where + "." + key, value, kind, documents);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> find(where, item, kind, documents));
        }
    }

    /** The values a Fn::If may leave, without AWS::NoValue. */
    private static List<Object> branches(Object value) {
        if (value instanceof Map<?, ?> map && map.get("Fn::If") instanceof List<?> choice) {
            List<Object> all = new ArrayList<>();
            all.addAll(branches(choice.get(1)));
            all.addAll(branches(choice.get(2)));
            return all;
        }
        if (value instanceof Map<?, ?> map && "AWS::NoValue".equals(map.get("Ref"))) {
            return List.of();
        }
        return List.of(value);
    }

    static List<String> problems(Document document) {
        List<String> problems = new ArrayList<>();
        String at = document.where();
        if (!(document.body() instanceof Map<?, ?> body)) {
            return List.of(at + ": not a JSON object");
        }
        body.keySet().stream().filter(key -> !DOCUMENT_KEYS.contains(key))
                .forEach(key -> problems.add(at + ": '" + key + "' is not a policy element (only Version, Id, Statement)"));
        if (!"2012-10-17".equals(body.get("Version"))) {
            problems.add(at + ": Version must be 2012-10-17");
        }
        Object statements = body.get("Statement");
        List<?> list = statements instanceof List<?> l ? l : statements == null ? List.of() : List.of(statements);
        if (list.isEmpty()) {
            problems.add(at + ": no Statement");
        }
        for (int i = 0; i < list.size(); i++) {
            statement(at + ".Statement[" + i + "]", document.kind(), list.get(i), problems);
        }
        return problems;
    }

    private static void statement(String at, Kind kind, Object value, List<String> problems) {
        if (!(value instanceof Map<?, ?> statement)) {
            problems.add(at + ": not a JSON object");
            return;
        }
        Set<String> allowed = kind == Kind.IDENTITY ? IDENTITY_STATEMENT_KEYS
                : kind == Kind.TRUST ? Set.of("Sid", "Effect", "Principal", "Action", "Condition")
                : Set.of("Sid", "Effect", "Principal", "Action", "Resource", "Condition");
        statement.keySet().stream().filter(key -> !allowed.contains(key))
                .forEach(key -> problems.add(at + ": '" + key + "' is not allowed in a " + kind.name().toLowerCase() + " policy's statement"));
        if (statement.get("Sid") != null && !(statement.get("Sid") instanceof String sid && SID.matcher(sid).matches())) {
            problems.add(at + ": Sid must be letters and digits");
        }
        if (!"Allow".equals(statement.get("Effect")) && !"Deny".equals(statement.get("Effect"))) {
            problems.add(at + ": Effect must be Allow or Deny");
        }
        List<?> actions = list(statement.get("Action"));
        if (actions.isEmpty()) {
            problems.add(at + ": no Action");
        }
        actions.stream().filter(action -> !(action instanceof String a && ACTION.matcher(a).matches()))
                .forEach(action -> problems.add(at + ": action " + action + " is not service:Action"));
        if (kind != Kind.IDENTITY && statement.get("Principal") == null) {
            problems.add(at + ": a " + kind.name().toLowerCase() + " policy's statement names its Principal");
        }
        if (kind != Kind.TRUST) {
            List<?> resources = list(statement.get("Resource"));
            if (resources.isEmpty()) {
                problems.add(at + ": no Resource");
            }
            resources.forEach(resource -> {
                if (!isArn(resource)) {
                    problems.add(at + ": resource " + resource + " is not an ARN");
                }
            });
        }
        if (statement.get("Condition") != null) {
            condition(at, statement.get("Condition"), problems);
        }
    }

    private static void condition(String at, Object value, List<String> problems) {
        if (!(value instanceof Map<?, ?> conditions)) {
            problems.add(at + ": Condition must map operators to keys");
            return;
        }
        conditions.forEach((operator, keys) -> {
            if (!(operator instanceof String op && CONDITION_OPERATOR.matcher(op).matches())) {
                problems.add(at + ": condition operator " + operator);
            }
            if (!(keys instanceof Map<?, ?> map) || map.isEmpty()) {
                problems.add(at + ": condition " + operator + " must map condition keys to values");
            } else {
                map.keySet().stream().filter(key -> !(key instanceof String k && k.contains(":")))
                        .forEach(key -> problems.add(at + ": condition key " + key + " is not service:key"));
            }
        });
    }

    /** A literal ARN or "*", or a CloudFormation value that is one. */
    @SuppressWarnings("unchecked")
    private static boolean isArn(Object resource) {
        if (resource instanceof String literal) {
            return literal.equals("*") || literal.startsWith("arn:");
        }
        if (!(resource instanceof Map<?, ?> function) || function.size() != 1) {
            return false;
        }
        Map.Entry<?, ?> call = function.entrySet().iterator().next();
        return switch ((String) call.getKey()) {
            case "Fn::Sub" -> {
                String text = call.getValue() instanceof List<?> l ? (String) l.get(0) : (String) call.getValue();
                yield text.startsWith("arn:") || text.matches("\\$\\{[A-Za-z0-9]+\\.[A-Za-z]*Arn}.*");
            }
            case "Fn::GetAtt" -> ((List<String>) call.getValue()).get(1).endsWith("Arn");
            case "Fn::If" -> isArn(((List<?>) call.getValue()).get(1)) && isArn(((List<?>) call.getValue()).get(2));
            case "Ref" -> refIsArn((String) call.getValue());
            default -> false;
        };
    }

    @SuppressWarnings("unchecked")
    private static boolean refIsArn(String name) {
        // SAM: a function's alias or version (ApiFunction.Alias) is referred to by its ARN.
        if (name.endsWith(".Alias") || name.endsWith(".Version")) {
            return true;
        }
        Object resource = ((Map<String, Object>) template.get("Resources")).get(name);
        return resource instanceof Map<?, ?> r && REF_IS_ARN.contains(r.get("Type"));
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : value == null ? List.of() : List.of(value);
    }

    private static Document identity(Map<String, Object> body) {
        return new Document("test", Kind.IDENTITY, body);
    }

    private static Map<String, Object> with(Map<String, Object> statement, String key, Object value) {
        Map<String, Object> changed = new java.util.HashMap<>(statement);
        changed.put(key, value);
        return changed;
    }
}
