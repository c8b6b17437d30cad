package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import id.gelombang.common.observability.Metrics;

/**
 * What infra/template.yaml promises for wave day and between waves: schedules that a later deploy
 * can still update, readiness kept off the public API, provisioned concurrency and Aurora's wave
 * floor off unless asked for, and alarms that watch metrics the code really writes.
 */
class TemplateWaveDayTest {

    private static Map<String, Object> resources;
    private static Map<String, Object> template;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readTemplate() throws IOException {
        template = CloudFormationYaml.read(Path.of("infra", "template.yaml"));
        resources = (Map<String, Object>) template.get("Resources");
    }

    /**
     * EventBridge Scheduler refuses a StartDate in the past, and so does the update of a schedule
     * whose StartDate has passed: a mid-wave deploy (a later VerificationUntil) would fail and roll
     * back. Schedules run from the deploy that enables them (State) until their EndDate.
     */
    @Test
    void noScheduleHasAStartDate() {
        List<String> started = new ArrayList<>();
        schedules().forEach((name, schedule) -> {
            if (schedule.containsKey("StartDate")) {
                started.add(name);
            }
        });
        resources.forEach((name, resource) -> {
            for (Object action : list(properties(name).get("ScheduledActions"))) {
                if (((Map<?, ?>) action).containsKey("StartTime")) {
                    started.add(name + " " + ((Map<?, ?>) action).get("ScheduledActionName"));
                }
            }
        });
        assertThat(schedules()).as("schedules in the template").isNotEmpty();
        assertThat(started).as("schedules with a start date").isEmpty();
    }

    @Test
    void theVerificationWorkersRunFromTheirStateUntilTheirEndDate() {
        Map<String, Map<String, Object>> schedules = schedules();
        for (String worker : List.of("EmailWorkerFunction.EveryMinute", "NikWorkerFunction.EveryMinute")) {
            assertThat(schedules.get(worker).get("State").toString()).as(worker).contains("VerificationScheduled", "ENABLED", "DISABLED");
            assertThat(schedules.get(worker).get("EndDate").toString()).as(worker).contains("${VerificationUntil}Z");
        }
    }

    /** Readiness opens a database connection: anyone calling it through the API would keep Aurora awake. */
    @Test
    void onlyLivenessIsPublicAndReadinessIsNotRouted() {
        List<String> paths = new ArrayList<>();
        events("ApiFunction").forEach((name, event) -> {
            if ("HttpApi".equals(event.get("Type"))) {
                paths.add(String.valueOf(((Map<?, ?>) event.get("Properties")).get("Path")));
            }
        });
        assertThat(paths).contains("/q/health/live").noneMatch(path -> path.startsWith("/q/health/") && !path.equals("/q/health/live"))
                .noneMatch(path -> path.startsWith("/q/{") || path.equals("/{proxy+}") || path.equals("$default"));
    }

    /** Off by default and free outside the window: nothing is created unless a number is given. */
    @Test
    void provisionedConcurrencyAndTheAuroraFloorExistOnlyWhenScheduled() {
        Map<String, Object> parameters = parameters();
        assertThat(((Map<?, ?>) parameters.get("ApiProvisionedConcurrency")).get("Default")).isEqualTo(0);
        assertThat(((Map<?, ?>) parameters.get("DatabaseWaveMinCapacity")).get("Default")).isEqualTo(0);
        Map<?, ?> target = (Map<?, ?>) resources.get("ApiProvisionedConcurrencySchedule");
        assertThat(target.get("Condition")).isEqualTo("ProvisionedConcurrencyScheduled");
        Map<?, ?> targetProperties = (Map<?, ?>) target.get("Properties");
        assertThat(targetProperties.get("ScalableDimension")).isEqualTo("lambda:function:ProvisionedConcurrency");
        assertThat(targetProperties.get("ResourceId").toString()).contains("function:${ApiFunction}:live");
        List<?> actions = (List<?>) targetProperties.get("ScheduledActions");
        assertThat(actions).extracting(a -> ((Map<?, ?>) a).get("Schedule").toString())
                .containsExactly("{Fn::Sub=at(${WaveWarmUpAt})}", "{Fn::Sub=at(${WaveRushEndsAt})}");
        assertThat(((Map<?, ?>) ((Map<?, ?>) actions.get(1)).get("ScalableTargetAction")))
                .as("the rush's end takes it back to nothing").isEqualTo(Map.of("MinCapacity", 0, "MaxCapacity", 0));
        for (String floor : List.of("DatabaseWaveFloorOn", "DatabaseWaveFloorOff", "DatabaseFloorRole")) {
            assertThat(((Map<?, ?>) resources.get(floor)).get("Condition")).as(floor).isEqualTo("DatabaseFloorScheduled");
        }
        assertThat(properties("DatabaseWaveFloorOff").toString()).contains("\"MinCapacity\":0", "SecondsUntilAutoPause");
    }

    /** Every alarm notifies the alarm topic, and every Gelombang metric it watches is one the code writes. */
    @Test
    void everyAlarmNotifiesTheTopicAndWatchesAMetricTheCodeWrites() throws IllegalAccessException {
        Set<String> written = new TreeSet<>();
        for (Field field : Metrics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class && !field.getName().equals("NAMESPACE")) {
                written.add((String) field.get(null));
            }
        }
        Map<String, String> watched = new TreeMap<>();
        resources.forEach((name, value) -> {
            Map<?, ?> resource = (Map<?, ?>) value;
            if ("AWS::CloudWatch::Alarm".equals(resource.get("Type"))) {
                Map<String, Object> alarm = properties(name);
                assertThat(alarm.get("AlarmActions").toString()).as(name).contains("AlarmTopic");
                // Between waves most metrics have no data at all: each alarm must say what that means.
                assertThat(alarm.get("TreatMissingData")).as(name + ": missing data").isNotNull();
                if (Metrics.NAMESPACE.equals(alarm.get("Namespace"))) {
                    watched.put(name, (String) alarm.get("MetricName"));
                    assertThat(alarm.get("Dimensions").toString()).as(name).contains("Name=Function");
                }
            }
        });
        assertThat(watched.values()).as("application metrics under alarm").isSubsetOf(written)
                .contains(Metrics.SHED, Metrics.LOCK_TIMEOUTS, Metrics.VERIFICATION_OLDEST_DUE, Metrics.AOT_CACHE_REJECTED);
    }

    /** The alarm on Aurora running between waves is silenced while a wave is configured, when Aurora should run. */
    @Test
    void theAuroraBetweenWavesAlarmActsOnlyOutsideAWave() {
        Map<String, Object> alarm = properties("DatabaseAwakeBetweenWavesAlarm");
        assertThat(alarm.get("ActionsEnabled").toString()).isEqualTo("{Fn::If=[WaveConfigured, false, true]}");
        assertThat(alarm.get("MetricName")).isEqualTo("ServerlessDatabaseCapacity");
        assertThat(((Number) alarm.get("Period")).intValue() * ((Number) alarm.get("EvaluationPeriods")).intValue())
                .as("seconds awake before it fires: longer than a retention run plus the auto-pause delay").isGreaterThanOrEqualTo(3600);
    }

    // ------------------------------------------------------------------

    /** Scheduler schedules, and SAM's ScheduleV2 events (which SAM turns into them), by name. */
    private static Map<String, Map<String, Object>> schedules() {
        Map<String, Map<String, Object>> schedules = new TreeMap<>();
        resources.forEach((name, value) -> {
            Map<?, ?> resource = (Map<?, ?>) value;
            if ("AWS::Scheduler::Schedule".equals(resource.get("Type"))) {
                schedules.put(name, properties(name));
            }
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                events(name).forEach((event, body) -> {
                    if ("ScheduleV2".equals(body.get("Type"))) {
                        schedules.put(name + "." + event, cast(body.get("Properties")));
                    }
                });
            }
        });
        return schedules;
    }

    private static Map<String, Map<String, Object>> events(String function) {
        Map<String, Map<String, Object>> events = new TreeMap<>();
        Object declared = properties(function).get("Events");
        if (declared instanceof Map<?, ?> map) {
            map.forEach((name, event) -> events.put((String) name, cast(event)));
        }
        return events;
    }

    private static Map<String, Object> properties(String resource) {
        Object properties = ((Map<?, ?>) resources.get(resource)).get("Properties");
        return properties == null ? Map.of() : cast(properties);
    }

    private static Map<String, Object> parameters() {
        return cast(template.get("Parameters"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object map) {
        return (Map<String, Object>) map;
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
