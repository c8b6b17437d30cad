package id.gelombang.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** PUTs a file to a presigned URL the way a browser would, with exactly the headers given. */
public final class S3Upload {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private S3Upload() {
    }

    /** The object key a presigned URL writes to (path-style URLs on the local bucket). */
    public static String objectKey(String presignedUrl) {
        return presignedUrl.substring(0, presignedUrl.indexOf('?')).replaceFirst("^.*?/gelombang-ktp-local/", "");
    }

    /** Asks for an upload URL, uploads through it and returns the object key it wrote to. */
    public static String upload(Api.Registered r, String type, byte[] file) {
        io.restassured.response.Response issued = Api.uploadUrl(r, type, file.length, Photos.sha256(file));
        issued.then().statusCode(201);
        int status = put(issued.path("uploadUrl"), issued.path("headers"), file);
        if (status != 200) {
            throw new AssertionError("Upload answered " + status);
        }
        return objectKey(issued.path("uploadUrl"));
    }

    /** Content-Length is always the file's real length (the client sets it); other headers as given. */
    public static int put(String url, Map<String, String> headers, byte[] file) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(file));
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Length")) {
                request.header(name, value);
            }
        });
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError("Upload failed to complete", e);
        }
    }
}
