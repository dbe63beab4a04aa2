package io.tlsscope.api;

import io.tlsscope.openssl.OpenSslLayout;
import io.tlsscope.openssl.OpenSslLayouts;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The OpenSSL struct layouts the tracer knows (resource openssl/layouts.json). */
@Path("/api/v1/layouts")
@Tag(name = "libraries")
@Produces(MediaType.APPLICATION_JSON)
public class LayoutsResource {

    @GET
    @Operation(summary = "List known OpenSSL struct layouts",
            description = "Each layout: its name (what PUT /api/v1/libraries/{inode}/layout takes), the release ranges "
                    + "it covers, the offsets of SSL->rbio and BIO->num, the header fields they come from, and how they "
                    + "were checked against real binaries.")
    public List<OpenSslLayout> layouts() {
        return OpenSslLayouts.builtIn().all();
    }
}
