package io.hotclone.support.app;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.springframework.core.env.Environment;

/**
 * How every Kafka client of a service (the binder's consumers, producers and admin client, and the
 * outbox relay's producer) authenticates and encrypts, from {@code hotclone.kafka.*} — in
 * production from the environment ({@code HOTCLONE_KAFKA_SECURITY_PROTOCOL}, {@code
 * HOTCLONE_KAFKA_SASL_MECHANISM}, {@code HOTCLONE_KAFKA_SASL_USERNAME}, {@code
 * HOTCLONE_KAFKA_SASL_PASSWORD}, {@code HOTCLONE_KAFKA_SSL_TRUSTSTORE_LOCATION}, {@code
 * HOTCLONE_KAFKA_SSL_TRUSTSTORE_PASSWORD}). Unset values leave Kafka's defaults (PLAINTEXT). Secrets
 * are handed to Kafka as {@link Password}s, which its configuration log prints as {@code [hidden]};
 * {@link #toString()} never shows them either.
 */
public record KafkaSecurity(
    String protocol, String mechanism, String username, String password, String truststoreLocation,
    String truststorePassword) {

  public static KafkaSecurity from(Environment env) {
    return new KafkaSecurity(
        env.getProperty("hotclone.kafka.security-protocol"),
        env.getProperty("hotclone.kafka.sasl-mechanism"),
        env.getProperty("hotclone.kafka.sasl-username"),
        env.getProperty("hotclone.kafka.sasl-password"),
        env.getProperty("hotclone.kafka.ssl-truststore-location"),
        env.getProperty("hotclone.kafka.ssl-truststore-password"));
  }

  /** The Kafka client properties for these settings (empty when nothing is set). */
  public Map<String, Object> clientProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    if (set(protocol)) {
      p.put("security.protocol", protocol);
    }
    if (set(username) || set(password)) {
      String mech = set(mechanism) ? mechanism : "PLAIN";
      p.put("sasl.mechanism", mech);
      String module = mech.toUpperCase(Locale.ROOT).startsWith("SCRAM")
          ? "org.apache.kafka.common.security.scram.ScramLoginModule"
          : "org.apache.kafka.common.security.plain.PlainLoginModule";
      p.put("sasl.jaas.config", new Password(module + " required username=\"" + quote(username)
          + "\" password=\"" + quote(password) + "\";"));
    } else if (set(mechanism)) {
      p.put("sasl.mechanism", mechanism);
    }
    if (set(truststoreLocation)) {
      p.put("ssl.truststore.location", truststoreLocation);
    }
    if (set(truststorePassword)) {
      p.put("ssl.truststore.password", new Password(truststorePassword));
    }
    return p;
  }

  @Override
  public String toString() {
    return "KafkaSecurity[protocol=" + protocol + ", mechanism=" + mechanism + ", username=" + username
        + ", password=" + (set(password) ? "[hidden]" : "unset") + ", truststore=" + truststoreLocation
        + ", truststorePassword=" + (set(truststorePassword) ? "[hidden]" : "unset") + "]";
  }

  private static boolean set(String s) {
    return s != null && !s.isBlank();
  }

  private static String quote(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
