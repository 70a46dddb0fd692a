package com.example.ucsync;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import io.ucsync.app.UcsyncModule;

/** A Spring Boot application whose CamelContext also runs ucsync, configured by ucsync's own properties file. */
@SpringBootApplication
public class UcsyncApplication {

    public static void main(String[] args) {
        SpringApplication.run(UcsyncApplication.class, args);
    }

    @Bean
    CamelContextConfiguration ucsync(@Value("${ucsync.config}") Path config, @Value("${ucsync.http-port:8080}") int httpPort)
            throws Exception {
        UcsyncModule ucsync = UcsyncModule.create(config);
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                // ucsync's KW page and dashboard are platform-http routes: serve them with Vert.x, as camel-main does
                VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
                http.setBindHost("127.0.0.1");
                http.setBindPort(httpPort);
                try {
                    camel.addService(new VertxPlatformHttpServer(http));
                    ucsync.addTo(camel);
                } catch (Exception e) {
                    throw new IllegalStateException("ucsync cannot join the CamelContext", e);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // ucsync starts by itself once the context has started
            }
        };
    }
}
