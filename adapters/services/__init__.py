"""Services as data: the kiosk's menu of records and hand-offs, each one a definition file
(`adapters.services.definition`) read by one engine: asked through GDX or plain HTTPS
(`adapters.services.asking`), read with JMESPath (`adapters.services.reading`). Built-in
definitions ship in `adapters/services/builtin/`; `adapters.services.catalogue` joins them with
a deployer's folder."""
