package io.sysgenid.samples.service;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /values/*}: the per-VM values, each with the generation it was made in. */
@RestController
@RequestMapping("/values")
class ValuesController {
    private final UniqueValues values;

    ValuesController(UniqueValues values) {
        this.values = values;
    }

    @GetMapping("/uuid")
    UniqueValues.Value uuid() {
        return values.uuid();
    }

    @GetMapping("/token")
    UniqueValues.Value token() {
        return values.token();
    }

    @GetMapping("/token/{token}")
    Map<String, Object> check(@PathVariable String token) {
        return Map.of("token", token, "valid", values.valid(token));
    }

    @GetMapping("/instance")
    UniqueValues.Value instance() {
        return values.instanceId();
    }
}
