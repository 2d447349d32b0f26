package io.sysgenid.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The service over HTTP on the simulated device: values, a forced generation change through the Actuator
 * endpoint, new values in the new generation, old tokens revoked, health and Prometheus metrics moving.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sysgenid.source=simulated")
@ActiveProfiles("demo")
class UniqueValuesApplicationTests {
    private static final Duration LONG = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    Environment environment;

    private HttpResponse<String> call(String method, String path) throws IOException, InterruptedException {
        return call(method, path, "{}");
    }

    private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:"
                        + environment.getProperty("local.server.port") + path))
                .header("Content-Type", "application/json")
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString(body)
                        : HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = call("GET", path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }

    private static double metric(String prometheus, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(prometheus);
        assertThat(m.find()).as(name + " in the scrape").isTrue();
        return Double.parseDouble(m.group(2));
    }

    @Test
    void aForcedGenerationChangeRebuildsEveryValueAndTheMetricsAndHealthFollow() throws Exception {
        String instance = get("/values/instance");
        String token = field(get("/values/token"), "value");
        long generation = Long.parseLong(field(instance, "generation"));
        assertThat(field(get("/values/token/" + token), "valid")).isEqualTo("true");
        assertThat(field(get("/actuator/health/sysgenid"), "status")).isEqualTo("UP");
        assertThat(field(get("/values/uuid"), "value")).matches("[0-9a-f-]{36}").isNotEqualTo(field(get("/values/uuid"), "value"));

        assertThat(field(get("/actuator/health/readiness"), "status")).isEqualTo("UP");
        for (String bad : new String[] {"{\"minimum\": -5}", "{\"minimum\": \"abc\"}", "{\"minimum\": 99999999999}"}) {
            HttpResponse<String> refused = call("POST", "/actuator/sysgenid", bad);
            assertThat(refused.statusCode()).as(bad + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.body()).as(bad).contains("\"field\":\"minimum\"").contains("0..4294967295");
        }
        assertThat(Long.parseLong(field(get("/values/instance"), "generation"))).as("unmoved").isEqualTo(generation);

        HttpResponse<String> forced = call("POST", "/actuator/sysgenid");
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);

        Awaitility.await().atMost(LONG).untilAsserted(() -> {
            String after = get("/values/instance");
            assertThat(Long.parseLong(field(after, "generation"))).isEqualTo(generation + 1);
            assertThat(field(after, "value")).isNotEqualTo(field(instance, "value"));
            assertThat(field(get("/actuator/health/sysgenid"), "status")).isEqualTo("UP");
            String scrape = get("/actuator/prometheus");
            assertThat(metric(scrape, "sysgenid_generation")).isEqualTo(generation + 1d);
            assertThat(metric(scrape, "sysgenid_watchers_outdated")).isZero();
            assertThat(metric(scrape, "sysgenid_events_total")).isEqualTo(1d);
            assertThat(field(get("/actuator/health/readiness"), "status")).isEqualTo("UP");
            assertThat(get("/actuator/sysgenid")).contains("\"generation-log\"");
        });
        assertThat(field(get("/values/token/" + token), "valid")).as("tokens of a past generation").isEqualTo("false");
        assertThat(get("/actuator/sysgenid")).contains("\"unique-values\"").contains("\"outcome\":\"success\"");
    }
}
