package io.sysgenid.samples.service;

import io.sysgenid.spring.autoconfigure.SysGenIdMode;
import java.util.Arrays;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells the user, once the service is up, what it watches, how to force a change and where to look. */
@Component
class StartupInstructions implements ApplicationListener<ApplicationReadyEvent> {
    private static final Log LOG = LogFactory.getLog(StartupInstructions.class);

    private final SysGenIdMode mode;
    private final Environment environment;

    StartupInstructions(SysGenIdMode mode, Environment environment) {
        this.mode = mode;
        this.environment = environment;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        String watched = switch (mode.kind()) {
            case DEVICE -> "the real device " + mode.path();
            case SIMULATED -> "the SIMULATED device (no " + mode.path() + " here; sysgenid.source=simulated)";
            case MISSING, DISABLED -> "NOTHING: VM clones are not detected (sysgenid.source="
                    + mode.configured().name().toLowerCase(java.util.Locale.ROOT) + ")";
        };
        if (!Arrays.asList(environment.getActiveProfiles()).contains("demo")) {
            LOG.info("sysgenid sample service is up, watching " + watched + "; run it with the demo profile"
                    + " (scripts/run does) for the endpoint that forces a generation change");
            return;
        }
        LOG.info("""

                ==== sysgenid sample service is up (demo profile), watching %s
                  values:       curl %s/values/uuid   %s/values/token   %s/values/instance
                  force a generation change (what a VM restore does):
                                curl -X POST %s/actuator/sysgenid -H 'Content-Type: application/json' -d '{}'
                  then look at: %s/actuator/sysgenid           (generation, watchers, handlers)
                                %s/actuator/health/sysgenid    (UP, OUT_OF_SERVICE while rebuilding)
                                %s/actuator/prometheus         (sysgenid_* metrics)
                  and ask for the values again: new generation, new UUID stream, new instance id.
                ====

                """.formatted(watched, base, base, base, base, base, base, base));
    }
}
