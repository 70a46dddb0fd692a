package io.ucsync.routes;

import java.nio.file.Path;
import java.util.List;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.util.function.ThrowingConsumer;

/**
 * One YAML file of routes/, loaded alone into a Camel test context, with a {@link RecordingEngine} as the
 * {@code engine} bean. A route template becomes the route ucsync makes from it (UcsyncModule.templateInstances: route
 * id {@code <template>-<name>}, the name as its one parameter). The routes are advised before the context starts:
 * the test mocks what they send to and, to drive them synchronously, may replace what they consume from. The
 * {@code tlib} and {@code sip-presence} components are Camel's stubs (in-memory queues, like seda), so that no link
 * or user agent starts and nothing reaches the network.
 */
abstract class RouteFileTestSupport extends CamelTestSupport {

    static final Path ROUTES = Path.of("routes");
    /** The route files that carry the product's flow; the HTTP ones (kw-api, dashboard) are not among them. */
    static final List<String> CORE_ROUTE_FILES =
            List.of("presence-in.camel.yaml", "tserver-events.camel.yaml", "commands.camel.yaml", "timers.camel.yaml");

    final RecordingEngine engine = new RecordingEngine();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        configuration.withStubEndpoints("tlib,sip-presence");
    }

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        registry.bind("engine", engine);
    }

    /** Loads one file of routes/ into the context, as it is. */
    void load(String file) throws Exception {
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.resolveMandatoryResource(context, "file:" + ROUTES.resolve(file)));
    }

    /**
     * Loads the file of a route template ({@code <template>.camel.yaml}) and makes the route ucsync makes from it for
     * {@code name}, its only parameter.
     *
     * @return the route's id, {@code <template>-<name>}
     */
    String loadTemplateRoute(String template, String parameter, String name) throws Exception {
        load(template + ".camel.yaml");
        String routeId = template + "-" + name;
        TemplatedRouteBuilder.builder(context, template)
                .routeId(routeId)
                .parameter(parameter, name)
                .add();
        return routeId;
    }

    /** Advises one route, then starts the context. */
    void adviseAndStart(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> advice) throws Exception {
        AdviceWith.adviceWith(context, routeId, advice);
        context.start();
    }

    /**
     * Starts a route whose commands go to direct:commands (another file's route), mocked instead; with {@code direct}
     * the route's input is replaced by that endpoint, to drive it synchronously.
     *
     * @return the mock that receives the commands
     */
    MockEndpoint startWithCommandsMocked(String routeId, String direct) throws Exception {
        adviseAndStart(routeId, advice -> {
            if (direct != null) {
                advice.replaceFromWith(direct);
            }
            advice.mockEndpointsAndSkip("direct:commands");
        });
        return getMockEndpoint("mock:direct:commands");
    }
}
