// Error codes the XProtocol framework sends (docs/PROTOCOL.md §8). MySQL and
// X Plugin numbers where one exists; XProtocol's own in 7000..7099.
#pragma once

#include <cstdint>

namespace xp::err {

// MySQL server errors.
inline constexpr uint32_t kConCount = 1040;              // 08004
inline constexpr uint32_t kAccessDenied = 1045;          // 28000
inline constexpr uint32_t kUnknownCom = 1047;            // 08S01
inline constexpr uint32_t kNetPacketTooLarge = 1153;     // 08S01
inline constexpr uint32_t kNetReadInterrupted = 1159;    // 08S01
inline constexpr uint32_t kNotSupportedAuthMode = 1251;  // 08004
inline constexpr uint32_t kIdleTimeout = 4031;           // HY000

// X Plugin errors (SQLSTATE HY000).
inline constexpr uint32_t kXBadMessage = 5000;
inline constexpr uint32_t kXCapabilitiesPrepareFailed = 5001;
inline constexpr uint32_t kXCapabilityNotFound = 5002;
inline constexpr uint32_t kXInvalidProtocolData = 5003;
inline constexpr uint32_t kXExpectNotOpen = 5158;
inline constexpr uint32_t kXExpectNoErrorFailed = 5159;
inline constexpr uint32_t kXExpectBadCondition = 5160;
inline constexpr uint32_t kXExpectFieldExistsFailed = 5168;
inline constexpr uint32_t kXCompressionInvalidAlgorithm = 5175;

// XProtocol extensions (SQLSTATE HY000).
inline constexpr uint32_t kXpSessionExists = 7001;
inline constexpr uint32_t kXpUnknownSession = 7002;
inline constexpr uint32_t kXpTooManySessions = 7003;
inline constexpr uint32_t kXpCompression = 7004;
inline constexpr uint32_t kXpExpectTooDeep = 7005;
// A request's TxnContext does not match the session's transaction state.
inline constexpr uint32_t kXpTxnContext = 7013;

}  // namespace xp::err
