package id.gelombang.upload.service;

import id.gelombang.common.lambda.SqsBatchFunction;
import id.gelombang.common.lambda.SqsMessageHandler;

/**
 * Handler of the upload worker (infra/template.yaml, UploadWorkerFunction): the upload queue's
 * batches of S3 notifications, through {@link UploadEvents}.
 */
public class UploadEventsFunction extends SqsBatchFunction {

    @Override
    protected Class<? extends SqsMessageHandler> handler() {
        return UploadEvents.class;
    }
}
