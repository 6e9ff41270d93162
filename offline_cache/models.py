"""SQLAlchemy models of the cache database: the latest schema (see `schema.py` for how a file
gets there). Nothing here holds a CID, a name or an entitlement in clear."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the cache models."""


class SchemaVersion(Base):
    """One row per migration applied; the database's version is the highest."""

    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    applied_at_us: Mapped[int] = mapped_column(BigInteger)


class StoreMeta(Base):
    """Named values about the store itself, such as the key check."""

    __tablename__ = "store_meta"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class SnapshotRow(Base):
    """The last live answer of one agency for one citizen, sealed.

    `citizen_key` is the HMAC-SHA256 of the CID; `sealed` is the AES-GCM ciphertext of the
    answer's JSON, bound to agency, citizen key and `as_of`; `as_of_us` is when the live answer
    was received (microseconds since the Unix epoch, UTC), kept in clear for retention and age.
    """

    __tablename__ = "snapshot"
    # The primary key is the lookup path (one citizen's agencies are adjacent): no rowid needed.
    __table_args__ = (
        Index("ix_snapshot_as_of_us", "as_of_us"),
        {"sqlite_with_rowid": False},
    )

    citizen_key: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    agency: Mapped[str] = mapped_column(String(64), primary_key=True)
    as_of_us: Mapped[int] = mapped_column(BigInteger)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
