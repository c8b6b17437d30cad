package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;

/**
 * Every function's environment in infra/template.yaml against the configuration the application
 * reads: no variable that nothing reads (a misspelt name, a setting fixed at build time, a value
 * given to a function whose code never reads it) and none missing that the function's code needs.
 *
 * How "reads" is found: SmallRye Config maps an environment variable to a property by upper-casing
 * it and replacing every other character with '_' (QUARKUS_DATASOURCE_USERNAME is
 * quarkus.datasource.username). The properties the application can read at run time are those of
 * its own @ConfigMapping interfaces and @ConfigProperty injection points (found in target/classes),
 * and those of the Quarkus extensions' run-time config roots (each extension lists its roots in
 * META-INF/quarkus-config-roots.list). Build-time roots are left out: the environment cannot change
 * them on Lambda.
 *
 * How "needs" is found: each function runs some of the features below (as the template's comments
 * and TemplatePermissionsTest say), and each feature names the properties without which it cannot
 * work in AWS. That list is held to the code: every property the application reads that has no
 * default and no value in application.properties for the prod profile must be needed or allowed by
 * a feature, or be one of {@link #NOT_FOR_AWS}; so a new setting without a value fails here until
 * the template gives it to the functions that need it.
 */
class TemplateConfigurationTest {

    enum Feature {
        DATABASE(Set.of("quarkus.datasource.reactive.url", "quarkus.datasource.username", "quarkus.datasource.password"),
                Set.of("quarkus.datasource.reactive.postgresql.ssl-mode", "quarkus.datasource.reactive.trust-all")),
        /** Sealing and reading personal data, digests of NIK and family card. */
        PERSONAL_DATA(Set.of("gelombang.crypto.data-key", "gelombang.crypto.lookup-key"), Set.of()),
        /** Finding registrations by the keyed digest of an address SES reported, without reading personal data. */
        EMAIL_FEEDBACK(Set.of("gelombang.crypto.lookup-key"), Set.of()),
        /** KTP photos, the published wave schedule and draws' lists of ranks. */
        BUCKET(Set.of("gelombang.upload.bucket"), Set.of()),
        OPERATOR_API(Set.of("gelombang.admin.operator-key"), Set.of()),
        /** Public routes behind the optional CloudFront edge: its origin secret, given only with Edge=CloudFront. */
        EDGE(Set.of(), Set.of("gelombang.edge.origin-secret")),
        /** Drain loops in parallel, each with a PostgreSQL connection of its own (the email and NIK workers). */
        PARALLEL_LOOPS(Set.of("quarkus.datasource.reactive.max-size"), Set.of()),
        /** Invoked with events for /internal routes (workers, retention, the ranks schedule). */
        INTERNAL_ROUTES(Set.of("gelombang.internal-routes.enabled"), Set.of()),
        /**
         * Sender and SES's rate and quota for the account (the code's defaults are the sandbox's); the
         * public page's address, when the stack hosts it.
         */
        EMAIL_CODES(Set.of("gelombang.verification.email.from", "gelombang.verification.email.rate-per-second",
                "gelombang.verification.email.daily-quota", "gelombang.verification.email.configuration-set"),
                Set.of("gelombang.verification.email.site-url")),
        /**
         * The registry's agreed rate and daily quota; its URL (without it checks wait) and the
         * credential, fixed or read from its secret at run time.
         */
        NIK_CHECKS(Set.of("gelombang.verification.dukcapil.rate-per-second", "gelombang.verification.dukcapil.daily-quota"),
                Set.of("gelombang.verification.dukcapil.url", "gelombang.verification.dukcapil.credential",
                        "gelombang.verification.dukcapil.credential-secret")),
        /** Flyway connects to the reactive client's database unless told another JDBC URL. */
        SCHEMA_MIGRATION(Set.of("gelombang.schema.migrate-at-start", "gelombang.waves.seed-at-start",
                "gelombang.schema.app-user-password"), Set.of("gelombang.schema.jdbc-url")),
        /** A draw longer than the API function may run. */
        LONG_DRAW(Set.of("gelombang.draw.time-limit"), Set.of()),
        /** Creating draw waves: the draw's public key seals a generated seed (given only with DrawSeedPublicKey). */
        SEALING_DRAW_SEEDS(Set.of(), Set.of("gelombang.draw.seed-public-key")),
        /**
         * Running a draw whose seed the system generated: the draw's private key (given only with
         * DrawSeedPublicKey), in the environment or, with the Secrets extension, the secret it is read from.
         */
        UNSEALING_DRAW_SEEDS(Set.of(), Set.of("gelombang.draw.seed-private-key", "gelombang.draw.seed-private-key-secret"));

        final Set<String> needs;
        final Set<String> allows;

        Feature(Set<String> needs, Set<String> allows) {
            this.needs = needs;
            this.allows = allows;
        }
    }

    /** What each function's code does (the routes or queue handlers its events reach). */
    private static final Map<String, Set<Feature>> FUNCTIONS = Map.of(
            "EmailFeedbackFunction", EnumSet.of(Feature.DATABASE, Feature.EMAIL_FEEDBACK),
            "ApiFunction", EnumSet.of(Feature.DATABASE, Feature.PERSONAL_DATA, Feature.BUCKET, Feature.OPERATOR_API, Feature.EDGE,
                    Feature.SEALING_DRAW_SEEDS),
            "SchemaMigrationFunction", EnumSet.of(Feature.DATABASE, Feature.BUCKET, Feature.SCHEMA_MIGRATION),
            "DrawFunction", EnumSet.of(Feature.DATABASE, Feature.PERSONAL_DATA, Feature.OPERATOR_API, Feature.LONG_DRAW,
                    Feature.UNSEALING_DRAW_SEEDS, Feature.BUCKET, Feature.INTERNAL_ROUTES),
            "EmailWorkerFunction", EnumSet.of(Feature.DATABASE, Feature.PERSONAL_DATA, Feature.INTERNAL_ROUTES, Feature.EMAIL_CODES,
                    Feature.PARALLEL_LOOPS),
            "NikWorkerFunction", EnumSet.of(Feature.DATABASE, Feature.PERSONAL_DATA, Feature.INTERNAL_ROUTES, Feature.NIK_CHECKS,
                    Feature.PARALLEL_LOOPS),
            "UploadWorkerFunction", EnumSet.of(Feature.DATABASE, Feature.BUCKET),
            "RetentionFunction", EnumSet.of(Feature.DATABASE, Feature.BUCKET, Feature.INTERNAL_ROUTES));

    /**
     * Variables read by something else in the function's environment than the application: the
     * AWS Parameters and Secrets Lambda Extension (a layer of the NIK worker) reads its cache time.
     */
    private static final Map<String, String> READ_BY_A_LAYER = Map.of("SECRETS_MANAGER_TTL", "NikWorkerFunction");

    /** Settings without a value in AWS on purpose: they serve the local run and the tests only. */
    private static final Set<String> NOT_FOR_AWS = Set.of(
            "gelombang.verification.email.ses-region", // the function's own region (AWS_REGION)
            "gelombang.verification.email.ses-endpoint", // LocalStack
            "gelombang.verification.email.ses-access-key-id", // LocalStack; the role in AWS
            "gelombang.verification.email.ses-secret-access-key",
            "gelombang.verification.email.local-directory", // the local run's inbox
            "gelombang.local-site.port", // quarkus:dev's reference page
            "gelombang.waves.seed.*.opens-at", // waves defined in configuration (none in AWS: operators define them)
            "gelombang.waves.seed.*.closes-at",
            "gelombang.waves.seed.*.quota",
            "gelombang.waves.seed.*.household-limit");

    /** The longest an outside call of a worker takes: the registry client's timeout (PT5S by default). */
    private static final int LONGEST_CALL_SECONDS = 5;

    private static Map<String, Object> template;
    /** Environment-variable form -> property, for every property the application reads at run time. */
    private static final Map<String, String> RUN_TIME = new TreeMap<>();
    /** The same for build-time Quarkus properties, to name them when a template sets one. */
    private static final Map<String, String> BUILD_TIME = new TreeMap<>();
    /** The application's own properties that have no default. */
    private static final Set<String> WITHOUT_DEFAULT = new TreeSet<>();

    @BeforeAll
    static void readTemplateAndConfiguration() throws Exception {
        template = CloudFormationYaml.read(Path.of("infra", "template.yaml"));
        for (Class<?> type : applicationClasses()) {
            ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
            if (mapping != null) {
                properties(type, mapping.prefix()).forEach((name, property) -> {
                    RUN_TIME.put(env(name), name);
                    if (!property.hasDefaultValue()) {
                        WITHOUT_DEFAULT.add(name);
                    }
                });
            }
            for (AnnotatedElement element : injectionPoints(type)) {
                ConfigProperty property = element.getAnnotation(ConfigProperty.class);
                if (property != null) {
                    RUN_TIME.put(env(property.name()), property.name());
                    if (ConfigProperty.UNCONFIGURED_VALUE.equals(property.defaultValue())) {
                        WITHOUT_DEFAULT.add(property.name());
                    }
                }
            }
        }
        for (Class<?> root : quarkusConfigRoots()) {
            ConfigRoot configRoot = root.getAnnotation(ConfigRoot.class);
            ConfigMapping mapping = root.getAnnotation(ConfigMapping.class);
            if (configRoot != null && mapping != null) {
                Map<String, String> into = configRoot.phase() == ConfigPhase.RUN_TIME ? RUN_TIME : BUILD_TIME;
                properties(root, mapping.prefix()).keySet().forEach(name -> into.putIfAbsent(env(name), name));
            }
        }
    }

    @Test
    void everyVariableIsAPropertyTheApplicationReadsAtRunTime() {
        assertThat(RUN_TIME).as("properties found").containsKeys("QUARKUS_DATASOURCE_USERNAME", "GELOMBANG_UPLOAD_BUCKET");
        List<String> unread = new ArrayList<>();
        environments().forEach((function, variables) -> variables.forEach(variable -> {
            if (READ_BY_A_LAYER.containsKey(variable)) {
                return;
            }
            if (BUILD_TIME.containsKey(variable) && !RUN_TIME.containsKey(variable)) {
                unread.add(function + ": " + variable + " (" + BUILD_TIME.get(variable) + " is fixed at build time)");
            } else if (!RUN_TIME.containsKey(variable)) {
                unread.add(function + ": " + variable + " (no property of this name)");
            }
        }));
        assertThat(unread).as("variables nothing reads").isEmpty();
    }

    @Test
    void everyFunctionGetsWhatItsCodeNeedsAndNothingElse() {
        Map<String, Set<String>> environments = environments();
        assertThat(environments.keySet()).as("the template's functions").containsExactlyInAnyOrderElementsOf(FUNCTIONS.keySet());
        List<String> wrong = new ArrayList<>();
        environments.forEach((function, variables) -> {
            Set<String> needs = new TreeSet<>();
            Set<String> allows = new TreeSet<>();
            FUNCTIONS.get(function).forEach(feature -> {
                needs.addAll(feature.needs);
                allows.addAll(feature.allows);
            });
            Set<String> given = new TreeSet<>();
            variables.forEach(variable -> given.add(RUN_TIME.getOrDefault(variable, variable)));
            needs.stream().filter(property -> !given.contains(property))
                    .forEach(property -> wrong.add(function + " needs " + env(property) + " (" + property + ")"));
            given.stream().filter(property -> !needs.contains(property) && !allows.contains(property)
                    && !function.equals(READ_BY_A_LAYER.get(property)))
                    .forEach(property -> wrong.add(function + " is given " + env(property) + ", which its code does not read"));
        });
        assertThat(wrong).isEmpty();
    }

    /**
     * Loops that share one connection wait for each other's database steps, so a worker's pace could
     * never pass one loop's: each worker's pool is the number of loops its schedule runs.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theWorkersHoldAConnectionForEachLoopTheirScheduleRuns() {
        Map<String, Object> resources = (Map<String, Object>) template.get("Resources");
        Map.of("EmailWorkerFunction", "EmailWorkerParallelism", "NikWorkerFunction", "NikWorkerParallelism").forEach((function, loops) -> {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) resources.get(function)).get("Properties");
            Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) properties.get("Environment")).get("Variables");
            assertThat(variables.get("QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE")).as(function + "'s connections")
                    .isEqualTo(Map.of("Ref", loops));
            assertThat(scheduledInput(properties)).as(function + "'s loops").contains("\"parallel\":\"${" + loops + "}\"");
        });
    }

    /**
     * A minute's run drains for most of it: the time between runs is pace lost, since the gate lets no
     * late worker catch up. Its last outside call, up to the client's timeout, still ends before the
     * next run starts, and within the function's timeout.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theWorkersDrainForMostOfEachMinuteAndEndBeforeTheNextRun() {
        Map<String, Object> resources = (Map<String, Object>) template.get("Resources");
        for (String function : List.of("EmailWorkerFunction", "NikWorkerFunction")) {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) resources.get(function)).get("Properties");
            Matcher seconds = Pattern.compile("\"seconds\":\"(\\d+)\"").matcher(scheduledInput(properties));
            assertThat(seconds.find()).as(function + "'s drain time").isTrue();
            int drain = Integer.parseInt(seconds.group(1));
            assertThat(drain).as(function + " drains for at least nine tenths of each minute").isGreaterThanOrEqualTo(54);
            assertThat(drain + LONGEST_CALL_SECONDS).as(function + "'s last call ends before the next run").isLessThanOrEqualTo(60);
            assertThat((Integer) properties.get("Timeout")).as(function + "'s timeout").isGreaterThan(drain + LONGEST_CALL_SECONDS);
        }
    }

    /** The input the worker's once-a-minute schedule invokes it with. */
    @SuppressWarnings("unchecked")
    private static String scheduledInput(Map<String, Object> properties) {
        Map<String, Object> schedule = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) properties.get("Events"))
                .get("EveryMinute")).get("Properties");
        assertThat(schedule.get("ScheduleExpression")).isEqualTo("rate(1 minute)");
        return (String) ((Map<String, Object>) schedule.get("Input")).get("Fn::Sub");
    }

    @Test
    void everySettingWithoutAValueInAwsIsGivenByTheTemplateOrIsLocalOnly() throws IOException {
        Set<String> withProdValue = prodValues();
        Set<String> covered = new TreeSet<>(NOT_FOR_AWS);
        for (Feature feature : Feature.values()) {
            covered.addAll(feature.needs);
            covered.addAll(feature.allows);
        }
        assertThat(WITHOUT_DEFAULT).as("the application's settings without a default").contains("gelombang.upload.bucket");
        Set<String> unaccounted = new TreeSet<>(WITHOUT_DEFAULT);
        unaccounted.removeAll(withProdValue);
        unaccounted.removeAll(covered);
        assertThat(unaccounted).as("settings with no value in AWS that no feature needs").isEmpty();
        // and every property a feature names is one the application reads
        covered.stream().filter(property -> !property.contains("*"))
                .forEach(property -> assertThat(RUN_TIME).as(property).containsValue(property));
    }

    // ------------------------------------------------------------------ the template

    /** Each function's variable names, the shared ones (Globals) included. */
    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> environments() {
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) template.get("Globals")).get("Function");
        Set<String> shared = variables(globals);
        Map<String, Set<String>> environments = new TreeMap<>();
        ((Map<String, Object>) template.get("Resources")).forEach((name, value) -> {
            Map<String, Object> resource = (Map<String, Object>) value;
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                Set<String> variables = new TreeSet<>(shared);
                variables.addAll(variables((Map<String, Object>) resource.get("Properties")));
                environments.put(name, variables);
            }
        });
        return environments;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> variables(Map<String, Object> properties) {
        if (properties.get("Environment") instanceof Map<?, ?> environment
                && environment.get("Variables") instanceof Map<?, ?> variables) {
            return new TreeSet<>((Set<String>) variables.keySet());
        }
        return Set.of();
    }

    // ------------------------------------------------------------------ the application

    /** SmallRye Config's environment-variable form of a property name. */
    static String env(String property) {
        StringBuilder out = new StringBuilder(property.length());
        for (char c : property.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return out.toString();
    }

    private static Map<String, ConfigMappingInterface.Property> properties(Class<?> type, String prefix) {
        return ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(type, prefix));
    }

    private static List<Class<?>> applicationClasses() throws IOException, ClassNotFoundException {
        Path classes = Path.of("target", "classes");
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes.resolve("id"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                types.add(Class.forName(name, false, TemplateConfigurationTest.class.getClassLoader()));
            }
        }
        return types;
    }

    /** Constructors' and methods' parameters and fields: where @ConfigProperty may stand. */
    private static List<AnnotatedElement> injectionPoints(Class<?> type) {
        List<AnnotatedElement> points = new ArrayList<>();
        try {
            Collections.addAll(points, type.getDeclaredFields());
            List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredConstructors()));
            executables.addAll(List.of(type.getDeclaredMethods()));
            for (Executable executable : executables) {
                for (Parameter parameter : executable.getParameters()) {
                    points.add(parameter);
                }
            }
        } catch (NoClassDefFoundError e) {
            // a class of a library that is not on the test class path: it has no injection points of ours
        }
        return points;
    }

    private static List<Class<?>> quarkusConfigRoots() throws IOException {
        List<Class<?>> roots = new ArrayList<>();
        ClassLoader loader = TemplateConfigurationTest.class.getClassLoader();
        for (URL list : Collections.list(loader.getResources("META-INF/quarkus-config-roots.list"))) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(list.openStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null;) {
                    if (!line.isBlank()) {
                        try {
                            roots.add(Class.forName(line.strip(), false, loader));
                        } catch (ClassNotFoundException | LinkageError e) {
                            // a deployment-only root: nothing the function reads at run time
                        }
                    }
                }
            }
        }
        return roots;
    }

    /** Properties application.properties sets for the prod profile (its own or no profile). */
    private static Set<String> prodValues() throws IOException {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
            file.load(in);
        }
        Set<String> names = new TreeSet<>();
        for (String key : file.stringPropertyNames()) {
            if (!key.startsWith("%")) {
                names.add(key);
            } else {
                String profiles = key.substring(1, key.indexOf('.'));
                if (List.of(profiles.split(",")).contains("prod")) {
                    names.add(key.substring(key.indexOf('.') + 1));
                }
            }
        }
        return names;
    }
}
