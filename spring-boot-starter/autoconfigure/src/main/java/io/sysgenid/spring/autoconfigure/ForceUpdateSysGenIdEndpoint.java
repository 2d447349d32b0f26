package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.PermissionDeniedException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code sysgenid} endpoint with its write operation, exposed when
 * {@code sysgenid.force-update-enabled=true}: {@code POST /actuator/sysgenid} (optional JSON body
 * {@code {"minimum": N}}) moves the generation to max(minimum, current + 1), as a VM restore would. On a
 * real device the process needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN; without it the answer is 403
 * with the reason.
 */
@Endpoint(id = "sysgenid")
public class ForceUpdateSysGenIdEndpoint extends SysGenIdEndpoint {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final int STATUS_FORBIDDEN = 403;

    public ForceUpdateSysGenIdEndpoint(io.sysgenid.reactor.SysGenIdReceiver receiver, SysGenIdMode mode,
            HandlerOutcomes outcomes) {
        super(receiver, mode, outcomes);
    }

    /** Forces a generation change; answers the state after it. */
    @WriteOperation
    public WebEndpointResponse<Object> forceUpdate(@Nullable Integer minimum) {
        try {
            receiver().forceUpdate(minimum == null ? 0 : minimum).block(LIMIT);
        } catch (PermissionDeniedException e) {
            return new WebEndpointResponse<>(java.util.Map.of("error", e.getMessage()), STATUS_FORBIDDEN);
        } catch (IllegalStateException e) {
            return new WebEndpointResponse<>(java.util.Map.of("error", e.getMessage()),
                    WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
        return new WebEndpointResponse<>(state(), WebEndpointResponse.STATUS_OK);
    }
}
