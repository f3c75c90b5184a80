package io.hotclone.api.webhooks.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.hotclone.api.security.Caller;
import io.hotclone.api.security.CallerAuthentication;
import io.hotclone.api.security.Scopes;
import io.hotclone.api.web.ProblemHandler;
import io.hotclone.api.webhooks.Destinations;
import io.hotclone.api.webhooks.persistence.Endpoint;
import io.hotclone.api.webhooks.persistence.WebhookDeliveries;
import io.hotclone.api.webhooks.persistence.WebhookEndpoints;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import io.hotclone.api.web.CursorPages;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** The HTTP contract of /api/v1/webhooks: 201 + Location + the secret once, 422 problems, tenant scoping. */
class WebhookControllerTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final WebhookEndpoints endpoints = mock(WebhookEndpoints.class);
  private final WebhookDeliveries deliveries = mock(WebhookDeliveries.class);
  private MockMvc mvc;

  @BeforeEach
  void setUp() {
    Destinations.Resolver dns = host -> List.of(InetAddress.getByName(host.equals("hooks.example.com") ? "93.184.216.34" : host));
    WebhookController controller = new WebhookController(endpoints, deliveries, Destinations.of(List.of(), true), dns,
        Clock.fixed(NOW, ZoneOffset.UTC));
    mvc = MockMvcBuilders.standaloneSetup(controller).setControllerAdvice(new ProblemHandler()).build();
    SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(
        new Caller("alice", "t1", "k1", Scopes.TENANT)));
  }

  @AfterEach
  void clear() {
    SecurityContextHolder.clearContext();
  }

  private org.springframework.test.web.servlet.ResultActions create(String json) throws Exception {
    return mvc.perform(post("/api/v1/webhooks").contentType(MediaType.APPLICATION_JSON).content(json));
  }

  @Test
  void registeringAnswers201WithLocationAndTheSecretOnce() throws Exception {
    MvcResult r = create("{\"url\":\"https://hooks.example.com/in\",\"types\":[\"io.hotclone.clone.*\"]}")
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.url").value("https://hooks.example.com/in"))
        .andExpect(jsonPath("$.tenant").value("t1"))
        .andExpect(jsonPath("$.types[0]").value("io.hotclone.clone.*"))
        .andReturn();

    ArgumentCaptor<Endpoint> saved = ArgumentCaptor.forClass(Endpoint.class);
    verify(endpoints).insert(saved.capture());
    Endpoint e = saved.getValue();
    assertThat(r.getResponse().getHeader("Location")).isEqualTo("/api/v1/webhooks/" + e.id());
    assertThat(e.tenant()).isEqualTo("t1");
    assertThat(e.createdBy()).isEqualTo("alice");
    assertThat(e.secret()).matches("whsec_[A-Za-z0-9+/]{43}=");
    assertThat(r.getResponse().getContentAsString()).contains("\"secret\":\"" + e.secret() + "\"");
  }

  @Test
  void aLoopbackDestinationIsRefusedWith422NamingWhy() throws Exception {
    create("{\"url\":\"http://127.0.0.1:9/in\",\"types\":[\"io.hotclone.*\"]}")
        .andExpect(status().isUnprocessableContent())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("destination-not-allowed"))
        .andExpect(jsonPath("$.field").value("url"))
        .andExpect(jsonPath("$.detail").value("host 127.0.0.1 resolves to 127.0.0.1, a loopback address, which the"
            + " operator's allow-list (hotclone.webhooks.allowed-destinations) does not allow"));
    verify(endpoints, never()).insert(any());
  }

  @Test
  void badUrlsAndTypesAre422Problems() throws Exception {
    create("{\"url\":\"ftp://hooks.example.com/\",\"types\":[\"io.hotclone.*\"]}")
        .andExpect(status().isUnprocessableContent()).andExpect(jsonPath("$.code").value("unsupported-scheme"));
    create("{\"url\":\"https://hooks.example.com/\",\"types\":[\"com.example.*\"]}")
        .andExpect(status().isUnprocessableContent()).andExpect(jsonPath("$.code").value("invalid-types"))
        .andExpect(jsonPath("$.field").value("types"));
    create("{\"url\":\"https://hooks.example.com/\"}")
        .andExpect(status().isUnprocessableContent()).andExpect(jsonPath("$.code").value("invalid-types"));
    verify(endpoints, never()).insert(any());
  }

  @Test
  void anotherTenantsEndpointIs404LikeOneThatDoesNotExist() throws Exception {
    UUID id = UUID.randomUUID();
    when(endpoints.find(id, "t1")).thenReturn(Optional.empty());
    when(endpoints.delete(id, "t1")).thenReturn(false);

    mvc.perform(get("/api/v1/webhooks/" + id)).andExpect(status().isNotFound())
        .andExpect(jsonPath("$.code").value("webhook-not-found"));
    mvc.perform(delete("/api/v1/webhooks/" + id)).andExpect(status().isNotFound());
    mvc.perform(get("/api/v1/webhooks/" + id + "/deliveries")).andExpect(status().isNotFound());
    mvc.perform(get("/api/v1/webhooks/not-a-uuid")).andExpect(status().isNotFound());
    verify(endpoints).delete(id, "t1"); // filtered by the caller's tenant
  }

  @Test
  void theListNeverShowsTheSecret() throws Exception {
    Endpoint e = new Endpoint(UUID.randomUUID(), "t1", "https://hooks.example.com/in", List.of("io.hotclone.*"),
        "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", NOW, "alice", 2, null, null);
    when(endpoints.list("t1", null, CursorPages.DEFAULT_LIMIT + 1)).thenReturn(List.of(e));

    String body = mvc.perform(get("/api/v1/webhooks")).andExpect(status().isOk())
        .andExpect(jsonPath("$[0].id").value(e.id().toString()))
        .andExpect(jsonPath("$[0].consecutiveFailures").value(2))
        .andExpect(jsonPath("$[0].disabled").value(false))
        .andReturn().getResponse().getContentAsString();

    assertThat(body).doesNotContain("whsec_").doesNotContain("secret");
  }
}
