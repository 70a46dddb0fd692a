package io.ucsync.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.ucsync.engine.SyncEngine;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The route tests' stand-in answers to every engine method the core routes name, with SyncEngine's signature, or they
 * would pass on routes that ucsync cannot run.
 */
class RecordingEngineTest {

    /** {@code method: onPresence}, {@code method: "onResponse(...)"} and {@code bean:engine?method=isRostered(...)}. */
    private static final Pattern ENGINE_METHOD = Pattern.compile("(?:method: \"?|bean:engine\\?method=)(\\w+)");

    @Test
    void everyEngineMethodTheCoreRoutesNameHasSyncEnginesSignature() throws IOException {
        Set<String> named = new TreeSet<>();
        for (String file : RouteFileTestSupport.CORE_ROUTE_FILES) {
            Matcher matcher = ENGINE_METHOD.matcher(Files.readString(RouteFileTestSupport.ROUTES.resolve(file)));
            while (matcher.find()) {
                named.add(matcher.group(1));
            }
        }
        assertThat(named).as("engine methods named by the core routes").contains("isRostered", "onPresence", "onTimer");
        for (String name : named) {
            Method[] standIns = Arrays.stream(RecordingEngine.class.getDeclaredMethods())
                    .filter(method -> method.getName().equals(name) && Modifier.isPublic(method.getModifiers()))
                    .toArray(Method[]::new);
            assertThat(standIns).as("RecordingEngine.%s", name).hasSize(1);
            Method standIn = standIns[0];
            assertThatCode(() -> {
                        Method real = SyncEngine.class.getMethod(name, standIn.getParameterTypes());
                        assertThat(real.getReturnType())
                                .as("return type of %s", name)
                                .isEqualTo(standIn.getReturnType());
                    })
                    .as("SyncEngine has %s", standIn)
                    .doesNotThrowAnyException();
        }
    }
}
