/// The event a Lambda would receive for one delivery, built from the rendered body.
enum HandlerEvent {
    static func make(_ shape: HandlerEventShape, body: JSONValue, delivery: Delivery, messageName: String, lease: Int) -> JSONValue {
        let attributes = JSONValue.object([("message_id", .object([("Type", .string("String")), ("Value", .string(messageName))]))])
        // One id per received copy, as SNS and SQS give each delivery its own.
        let deliveryId = "\(messageName)/\(delivery.copy)"
        switch shape {
        case .raw:
            return body
        case .sns:
            return .object([("Records", .array([.object([
                ("EventSource", .string("aws:sns")),
                ("EventVersion", .string("1.0")),
                ("EventSubscriptionArn", .string("arn:aws:sns:torture:000000000000:torture-topic:\(Names.subscriber(delivery.subscriber))")),
                ("Sns", .object([
                    ("Type", .string("Notification")),
                    ("MessageId", .string(deliveryId)),
                    ("TopicArn", .string("arn:aws:sns:torture:000000000000:torture-topic")),
                    ("Subject", .null),
                    ("Message", .string(body.encoded)),
                    ("Timestamp", .string("1970-01-01T00:00:00.000Z")),
                    ("MessageAttributes", attributes),
                ])),
            ])]))])
        case .sqs:
            let sqsAttributes = JSONValue.object([("message_id", .object([
                ("stringValue", .string(messageName)), ("dataType", .string("String")),
            ]))])
            return .object([("Records", .array([.object([
                ("messageId", .string(deliveryId)),
                ("receiptHandle", .string("lease-\(lease)")),
                ("body", .string(body.encoded)),
                ("attributes", .object([("ApproximateReceiveCount", .string(String(delivery.attempt)))])),
                ("messageAttributes", sqsAttributes),
                ("eventSource", .string("aws:sqs")),
                ("eventSourceARN", .string("arn:aws:sqs:torture:000000000000:torture-queue")),
            ])]))])
        }
    }
}
