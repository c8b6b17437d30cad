package id.gelombang.verification.service;

import id.gelombang.common.lambda.SqsBatchFunction;
import id.gelombang.common.lambda.SqsMessageHandler;

/**
 * Handler of the email feedback worker (infra/template.yaml, EmailFeedbackFunction): the feedback
 * queue's batches of SES bounce and complaint events, through {@link EmailFeedback}.
 */
public class EmailFeedbackFunction extends SqsBatchFunction {

    @Override
    protected Class<? extends SqsMessageHandler> handler() {
        return EmailFeedback.class;
    }
}
