package id.gelombang.common.security;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

/**
 * Who is calling the operator API, for the audit trail. In AWS the gateway authorises /v1/admin
 * with IAM and puts the signing principal into the event (requestContext.authorizer.iam.userArn);
 * where no gateway vouches for anyone, the caller is known only by the operator key.
 */
public final class OperatorActor {

    public static final String OPERATOR_KEY = "operator-key";

    private OperatorActor() {
    }

    public static String of(APIGatewayV2HTTPEvent event) {
        if (event == null || event.getRequestContext() == null || event.getRequestContext().getAuthorizer() == null
                || event.getRequestContext().getAuthorizer().getIam() == null) {
            return OPERATOR_KEY;
        }
        String arn = event.getRequestContext().getAuthorizer().getIam().getUserArn();
        return arn == null || arn.isBlank() ? OPERATOR_KEY : arn.strip();
    }
}
