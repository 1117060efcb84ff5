package dev.glide.planner.api;

import dev.glide.planner.auth.TeamAuth;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * With {@code glide.auth.read-access=authenticated}, every read of the API (GET) needs valid
 * credentials too: the {@code Authorization} header, or, for a browser's EventSource, which cannot
 * send headers, an {@code access_token} query parameter (RFC 6750's fallback; it lands in access
 * logs, so prefer the header everywhere else).
 */
public class ReadAccess {

    private final TeamAuth auth;

    ReadAccess(TeamAuth auth) {
        this.auth = auth;
    }

    @ServerRequestFilter
    public void requireCredentialsToRead(ContainerRequestContext request) {
        if (!auth.readsNeedCredentials()
                || !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))
                || !request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String query = request.getUriInfo().getQueryParameters().getFirst("access_token");
        if (header == null && query != null && !query.isBlank()) {
            auth.bearer(query.trim());
            return;
        }
        auth.authenticate(header);
    }
}
