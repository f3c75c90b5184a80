package io.hotclone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiClientTest {

  @Test
  void a_paged_list_is_read_whole_by_following_link_rel_next() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> asked = new ArrayList<>();
    server.createContext("/api/v1/vms", exchange -> {
      String query = exchange.getRequestURI().getRawQuery();
      asked.add(query);
      String body;
      if (query.contains("cursor=c2")) {
        body = "[{\"id\":\"vm-3\"}]";
      } else {
        body = query.contains("cursor=c1") ? "[{\"id\":\"vm-2\"}]" : "[{\"id\":\"vm-1\"}]";
        String next = query.contains("cursor=c1") ? "c2" : "c1";
        exchange.getResponseHeaders().add("Link", "</api/v1/vms?label=team%3Da&cursor=" + next + ">; rel=\"next\"");
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    try {
      ApiClient api = new ApiClient("http://127.0.0.1:" + server.getAddress().getPort(), "k", null);
      var all = api.getAll("/api/v1/vms?label=team%3Da");
      List<String> ids = new ArrayList<>();
      all.forEach(n -> ids.add(n.path("id").asString()));
      assertThat(ids).containsExactly("vm-1", "vm-2", "vm-3");
      assertThat(asked).containsExactly("label=team%3Da", "label=team%3Da&cursor=c1", "label=team%3Da&cursor=c2");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void the_next_link_is_found_among_several() {
    assertThat(ApiClient.nextLink(List.of("</a?cursor=x>; rel=\"prev\", </b?cursor=y>; rel=\"next\"")))
        .isEqualTo("/b?cursor=y");
    assertThat(ApiClient.nextLink(List.of("</a?cursor=x>; rel=\"prev\""))).isNull();
  }
}
