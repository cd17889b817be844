/// Calling the handler at the lifecycle's handler step.
extension ParticipantMachinery {
    /// What the handler step came to: the handler's `done` or `skip`, or how the delivery ended —
    /// an injected fault or a lost store thrown through it, or its own `fail` or error (rolled back).
    enum HandlerAnswer {
        case decided(DeliveryDecision)
        case ended(DeliveryEnding)
    }

    nonisolated(nonsending) func callHandler(_ handler: any DeliveryHandler, _ context: DeliveryContext, _ work: WorkItem) async -> HandlerAnswer {
        let decision: DeliveryDecision
        do {
            decision = try await handler.handle(context)
        } catch let interruption as DeliveryInterruption {
            return .ended(interruption.ending)
        } catch {
            decision = .fail("\(error)")
        }
        if case .fail(let reason) = decision {
            return .ended(rollbackIfOpen(work) ?? .failed(reason))
        }
        return .decided(decision)
    }
}
