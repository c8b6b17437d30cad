package id.gelombang.common.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.amazonaws.services.lambda.runtime.Context;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;

/**
 * The Lambda handler of a function fed by an SQS event source mapping, in the same artifact as the
 * HTTP API. The template names a subclass as the function's {@code Handler}
 * ({@code UploadEventsFunction::handleRequest}, fully qualified, for the upload worker).
 * <p>
 * Why not a {@code RequestHandler<SQSEvent, SQSBatchResponse>}: Quarkus's Lambda extension refuses
 * to build an application that has such a class beside the HTTP extension's handler ("Multiple
 * handler classes"), and with several it picks one per artifact ({@code quarkus.lambda.handler}),
 * not per function. AWS's runtime interface client needs no interface: it calls any public
 * {@code (InputStream, OutputStream, Context)} method of the class the handler names. So this class
 * boots Quarkus exactly as the extension's {@code QuarkusStreamHandler} does (initialised when
 * Lambda constructs the handler, started before the first event) and hands each event to
 * {@link SqsBatch} with the subclass's {@link SqsMessageHandler} bean.
 */
public abstract class SqsBatchFunction {

    protected SqsBatchFunction() {
        Quarkus.manualInitialize();
    }

    /** The bean that handles each message. */
    protected abstract Class<? extends SqsMessageHandler> handler();

    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        Quarkus.manualStart();
        SqsMessageHandler handler = Arc.container().instance(handler()).get();
        Arc.container().instance(SqsBatch.class).get().handle(event, response, handler);
    }
}
