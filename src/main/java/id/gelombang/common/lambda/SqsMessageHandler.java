package id.gelombang.common.lambda;

/**
 * Handles one message of an SQS batch. Returning means done: the message is deleted. Throwing
 * reports it as a batch item failure: SQS hands it out again after its visibility timeout and, after
 * the queue's maxReceiveCount deliveries, moves it to the dead-letter queue. So throw only for what
 * a later attempt can fix (the database resuming, a lock timeout, S3 throttling); acknowledge what
 * never will, and say so in the log.
 */
public interface SqsMessageHandler {

    void handle(SqsMessage message) throws Exception;
}
