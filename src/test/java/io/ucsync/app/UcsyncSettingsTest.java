package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.ucsync.config.ConfigException;

/** Secrets in the environment instead of application.properties. */
class UcsyncSettingsTest {

    private static final Path FILE = Path.of("config/application.properties");

    private static Properties properties(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void aValueMayComeFromTheEnvironmentWithOrWithoutADefault() throws ConfigException {
        UcsyncSettings settings = UcsyncSettings.of(FILE, properties(
                "ucsync.dashboard.password", "{{env:UCSYNC_DASHBOARD_PASSWORD}}",
                "ucsync.kw.preview-api-token", "{{env:UCSYNC_PREVIEW_TOKEN:no-token}}",
                "ucsync.uc.user", "sip:{{env:UCSYNC_USER}}@example.com"),
                Map.of("UCSYNC_DASHBOARD_PASSWORD", "s3cret", "UCSYNC_USER", "ucsync"));
        assertThat(settings.value(UcsyncSettings.DASHBOARD_PASSWORD)).isEqualTo("s3cret");
        assertThat(settings.value(UcsyncSettings.PREVIEW_API_TOKEN)).isEqualTo("no-token");
        assertThat(settings.value(UcsyncSettings.UC_USER)).isEqualTo("sip:ucsync@example.com");
        assertThat(settings.asProperties().getProperty(UcsyncSettings.DASHBOARD_PASSWORD)).isEqualTo("s3cret");
    }

    @Test
    void aMissingEnvironmentVariableStopsTheStartNamingTheKeyTheVariableAndTheFix() {
        assertThatThrownBy(() -> UcsyncSettings.of(FILE, properties("ucsync.dashboard.password", "{{env:UCSYNC_DASHBOARD_PASSWORD}}"),
                Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("application.properties: ucsync.dashboard.password needs the environment variable UCSYNC_DASHBOARD_PASSWORD,"
                        + " which is not set (fix: set it, or give a default: {{env:UCSYNC_DASHBOARD_PASSWORD:DEFAULT}})");
    }
}
