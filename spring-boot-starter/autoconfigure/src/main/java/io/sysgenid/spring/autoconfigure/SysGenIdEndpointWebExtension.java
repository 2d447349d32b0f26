package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.PermissionDeniedException;
import io.sysgenid.core.SysGenIdException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP side of the {@code sysgenid} endpoint: {@code GET /actuator/sysgenid} answers the state (200);
 * {@code POST /actuator/sysgenid} (when the endpoint's access is {@code unrestricted}; optional JSON body
 * {@code {"minimum": N}} with N from 0 to 4294967295) forces a generation change and answers the state
 * after it (200), or 400 naming the field, the value and the allowed range, 403 without the capability a
 * real device needs, 503 when nothing is watched or the device fails. Error bodies are
 * {@code {"error": message, ...}}.
 */
@EndpointWebExtension(endpoint = SysGenIdEndpoint.class)
public class SysGenIdEndpointWebExtension {
    private final SysGenIdEndpoint endpoint;

    /**
     * Creates it.
     *
     * @param endpoint the endpoint it extends
     */
    public SysGenIdEndpointWebExtension(SysGenIdEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** {@return the state now, 200} */
    @ReadOperation
    public WebEndpointResponse<SysGenIdEndpoint.State> state() {
        return new WebEndpointResponse<>(endpoint.state(), WebEndpointResponse.STATUS_OK);
    }

    /**
     * Forces a generation change.
     *
     * @param minimum the least generation to move to, as the JSON body gave it (any JSON value), null for 0
     * @return the state after the change, or the error with its status
     */
    @WriteOperation
    public WebEndpointResponse<Object> forceUpdate(@Nullable String minimum) {
        int checked;
        try {
            checked = SysGenIdEndpoint.checkedMinimum(minimum);
        } catch (InvalidEndpointRequestException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.put("field", "minimum");
            body.put("value", minimum);
            body.put("allowed", "0.." + SysGenIdEndpoint.MAX_GENERATION);
            return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        try {
            endpoint.forceUpdate(checked);
        } catch (PermissionDeniedException e) {
            return new WebEndpointResponse<>(Map.of("error", e.getMessage()), 403);
        } catch (SysGenIdException | IllegalStateException e) {
            return new WebEndpointResponse<>(Map.of("error", String.valueOf(e.getMessage())),
                    WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
        return new WebEndpointResponse<>(endpoint.state(), WebEndpointResponse.STATUS_OK);
    }
}
