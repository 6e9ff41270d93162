"""Typed card errors, each with a plain sentence in Thai and in English for the kiosk screen.

No error carries personal data: not in its message, not in its attributes. The `kind` is a stable
code for logs, metrics and the command line; the messages are for people.
"""

from __future__ import annotations

from enum import StrEnum


class CardErrorKind(StrEnum):
    """Stable codes of the card errors (logs, metrics, `kiosk card watch`)."""

    PCSCD_DOWN = "pcscd_down"
    NO_READER = "no_reader"
    NO_CARD = "no_card"
    NOT_THAI_ID = "not_thai_id"
    CARD_REMOVED = "card_removed"
    READER_BUSY = "reader_busy"
    UNREADABLE = "unreadable"
    CANCELLED = "cancelled"
    READER_FAULT = "reader_fault"


class CardError(Exception):
    """Base of every error the card reader raises or reports.

    `message_th` and `message_en` are what the kiosk shows; `detail` (English, technical, never
    personal) is for the log and the technician.
    """

    kind: CardErrorKind = CardErrorKind.READER_FAULT
    message_th: str = "เครื่องอ่านบัตรขัดข้อง กรุณาติดต่อเจ้าหน้าที่"
    message_en: str = "The card reader is not working. Please ask a staff member."

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{self.message_en}{f' ({detail})' if detail else ''}")
        self.detail = detail


class PcscdNotRunningError(CardError):
    """The PC/SC service (pcscd) is not running or not answering."""

    kind = CardErrorKind.PCSCD_DOWN
    message_th = "ระบบเครื่องอ่านบัตรไม่ทำงาน กรุณาติดต่อเจ้าหน้าที่"
    message_en = "The card reader service is not running. Please ask a staff member."


class NoReaderError(CardError):
    """No card reader is connected (or the named one is not)."""

    kind = CardErrorKind.NO_READER
    message_th = "ไม่พบเครื่องอ่านบัตร กรุณาติดต่อเจ้าหน้าที่"
    message_en = "No card reader is connected. Please ask a staff member."


class NoCardError(CardError):
    """The reader has no card in it."""

    kind = CardErrorKind.NO_CARD
    message_th = "กรุณาเสียบบัตรประชาชน"
    message_en = "Please insert your ID card."


class NotThaiIdCardError(CardError):
    """The card does not answer the Thai ID applet's SELECT."""

    kind = CardErrorKind.NOT_THAI_ID
    message_th = "บัตรนี้ไม่ใช่บัตรประจำตัวประชาชน กรุณาใช้บัตรประชาชนไทย"
    message_en = "This is not a Thai national ID card. Please use your Thai ID card."


class CardRemovedError(CardError):
    """The card left the reader (or lost contact) during a read."""

    kind = CardErrorKind.CARD_REMOVED
    message_th = "บัตรถูกดึงออกระหว่างอ่าน กรุณาเสียบบัตรใหม่และรอจนอ่านเสร็จ"
    message_en = "The card was removed while reading. Please insert it again and wait."


class ReaderBusyError(CardError):
    """Another program holds the reader or the card (PC/SC sharing violation)."""

    kind = CardErrorKind.READER_BUSY
    message_th = "เครื่องอ่านบัตรกำลังถูกใช้งาน กรุณารอสักครู่แล้วลองใหม่"
    message_en = "The card reader is busy. Please wait a moment and try again."


class UnreadableCardError(CardError):
    """The card answered, but what it holds is not valid (bad CID checksum, broken answers)."""

    kind = CardErrorKind.UNREADABLE
    message_th = "อ่านข้อมูลบัตรไม่ได้ กรุณาติดต่อสำนักทะเบียน"
    message_en = "The card's data cannot be read. Please contact a registration office."


class ReadCancelledError(CardError):
    """The read was cancelled by the kiosk (session ended, shutdown)."""

    kind = CardErrorKind.CANCELLED
    message_th = "ยกเลิกการอ่านบัตรแล้ว"
    message_en = "Card reading was cancelled."


class ReaderFaultError(CardError):
    """The reader or pcscd failed in a way none of the other errors describes."""

    kind = CardErrorKind.READER_FAULT
