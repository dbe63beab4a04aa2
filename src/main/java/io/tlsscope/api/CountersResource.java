package io.tlsscope.api;

import io.tlsscope.counters.CounterCatalogue;
import io.tlsscope.counters.CounterValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Every counter of the service, kernel side included: each way data can be lost is one of them. */
@Path("/api/v1/counters")
@Tag(name = "counters")
@Produces(MediaType.APPLICATION_JSON)
public class CountersResource {
    private final CounterCatalogue counters;

    public CountersResource(CounterCatalogue counters) {
        this.counters = counters;
    }

    @GET
    @Operation(summary = "Read all counters",
            description = "Events, bytes, ring-buffer drops, truncations, unresolved fds, attach failures, "
                    + "SSE client drops and more, each with its kind (total since the service started, or level: how many "
                    + "now), the part of the service that counts it, and a description.")
    public List<CounterValue> counters() {
        return counters.all();
    }
}
