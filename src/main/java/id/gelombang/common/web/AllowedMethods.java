package id.gelombang.common.web;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The methods each path answers, read from the resource classes' JAX-RS annotations (the routes
 * themselves), so that RFC 9110 holds for every route: a 405 names them in {@code Allow}, and
 * OPTIONS answers with exactly them. RESTEasy Reactive leaves Allow off its 405 and answers OPTIONS
 * with every method of the whole resource class, sub-paths included. In AWS the HTTP API routes
 * {@code ANY /v1/{proxy+}} to the function, so these answers are the ones clients get.
 * <p>
 * The table is built on the first 405 or OPTIONS, never during a cold start.
 */
@ApplicationScoped
public class AllowedMethods {

    private static final Pattern VARIABLE = Pattern.compile("\\{\\s*\\w[\\w.-]*\\s*(?::\\s*([^{}]+(?:\\{[^{}]*\\}[^{}]*)*))?\\}");

    /**
     * A template's pattern and methods, and how JAX-RS ranks it against others matching the same
     * path (spec 3.7.2): more literal characters first, then more variables, then more variables
     * with their own regex. So {@code /v1/registrations/access} is its own route, not also {@code {id}}.
     */
    private record Route(Pattern path, Set<String> methods, int literals, int variables, int regexVariables) {

        static Route of(String template, Set<String> methods) {
            Matcher variable = VARIABLE.matcher(template);
            int variables = 0;
            int regexVariables = 0;
            int literals = template.length();
            while (variable.find()) {
                variables++;
                regexVariables += variable.group(1) == null ? 0 : 1;
                literals -= variable.end() - variable.start();
            }
            return new Route(toPattern(template), Set.copyOf(methods), literals, variables, regexVariables);
        }

        static final Comparator<Route> PRECEDENCE = Comparator.comparingInt(Route::literals)
                .thenComparingInt(Route::variables).thenComparingInt(Route::regexVariables);
    }

    private final BeanManager beans;
    private volatile List<Route> routes;

    public AllowedMethods(BeanManager beans) {
        this.beans = beans;
    }

    /**
     * The methods {@code path} answers (HEAD wherever GET, and OPTIONS), or none when no route has it:
     * those of the template JAX-RS matches it to, as it ranks them.
     */
    public Set<String> at(String path) {
        Set<String> allowed = new TreeSet<>();
        Route chosen = null;
        for (Route route : routes()) {
            if (!route.path().matcher(path).matches()) {
                continue;
            }
            int order = chosen == null ? 1 : Route.PRECEDENCE.compare(route, chosen);
            if (order > 0) {
                allowed.clear();
                chosen = route;
            }
            if (order >= 0) {
                allowed.addAll(route.methods());
            }
        }
        if (allowed.contains(HttpMethod.GET)) {
            allowed.add(HttpMethod.HEAD);
        }
        if (!allowed.isEmpty()) {
            allowed.add(HttpMethod.OPTIONS);
        }
        return allowed;
    }

    /**
     * OPTIONS on a route (a CORS preflight is answered before this, by the CORS handler or the gateway),
     * and 405 for a method its route lacks. RESTEasy Reactive would route GET /v1/registrations/access
     * to /v1/registrations/{id} instead (and answer 401), though JAX-RS matches the literal route.
     */
    @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 10)
    public Response answerOptions(ContainerRequestContext request) {
        Set<String> allowed = at(request.getUriInfo().getPath());
        if (allowed.isEmpty()) {
            return null;
        }
        if (HttpMethod.OPTIONS.equals(request.getMethod())) {
            return Response.noContent().header(HttpHeaders.ALLOW, String.join(", ", allowed)).build();
        }
        if (!allowed.contains(request.getMethod())) {
            throw new WebApplicationException(Response.Status.METHOD_NOT_ALLOWED);
        }
        return null;
    }

    private List<Route> routes() {
        List<Route> built = routes;
        if (built == null) {
            built = build();
            routes = built;
        }
        return built;
    }

    private List<Route> build() {
        Map<String, Set<String>> byTemplate = new LinkedHashMap<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path base = type.getAnnotation(Path.class);
            if (base == null) {
                continue;
            }
            for (Method method : type.getMethods()) {
                String verb = httpMethod(method);
                if (verb != null) {
                    Path sub = method.getAnnotation(Path.class);
                    String template = join(base.value(), sub == null ? "" : sub.value());
                    byTemplate.computeIfAbsent(template, t -> new TreeSet<>()).add(verb);
                }
            }
        }
        List<Route> built = new ArrayList<>();
        byTemplate.forEach((template, methods) -> built.add(Route.of(template, methods)));
        return List.copyOf(built);
    }

    private static String httpMethod(Method method) {
        return Arrays.stream(method.getAnnotations())
                .map(Annotation::annotationType)
                .map(type -> type.getAnnotation(HttpMethod.class))
                .filter(java.util.Objects::nonNull)
                .map(HttpMethod::value)
                .findFirst()
                .orElse(null);
    }

    static String join(String base, String sub) {
        String joined = "/" + base.replaceAll("^/+|/+$", "") + "/" + sub.replaceAll("^/+|/+$", "");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** A path template ({id}, {id: regex}) as a pattern of whole paths, with or without a trailing slash. */
    static Pattern toPattern(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher variable = VARIABLE.matcher(template);
        int last = 0;
        while (variable.find()) {
            regex.append(Pattern.quote(template.substring(last, variable.start())));
            regex.append(variable.group(1) == null ? "[^/]+" : "(?:" + variable.group(1).strip() + ")");
            last = variable.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append("/?");
        return Pattern.compile(regex.toString());
    }
}
