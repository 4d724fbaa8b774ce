#!/usr/bin/python3
"""SQLAlchemy (Debian's python3-sqlalchemy over python3-pymysql) against a
real cluster, as an application uses it: the schema by create_all(),
reflected back by the inspector (foreign keys included), the ORM's unit of
work (inserts with autoincrement ids, relationships, updates, deletes,
cascades), the database's own foreign key enforcement (1452 / 1451 as
IntegrityError), savepoints by begin_nested() around a failing statement,
and drop_all() (which must drop the children first).

Usage: tests/orm/sqlalchemy_test.py PORT (run by tests/cn/with_cluster.sh).
"""
import sys
import unittest

import sqlalchemy as sa
from sqlalchemy.orm import Session, declarative_base, relationship

PORT = int(sys.argv.pop(1)) if len(sys.argv) > 1 else 3306
URL = f"mysql+pymysql://root@127.0.0.1:{PORT}/test"

Base = declarative_base()


class Author(Base):
    __tablename__ = "sa_authors"
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    name = sa.Column(sa.String(50), nullable=False, unique=True)
    born = sa.Column(sa.Date)
    rating = sa.Column(sa.Numeric(5, 2), server_default="0.00")
    created = sa.Column(sa.DateTime, server_default=sa.func.now())
    books = relationship("Book", back_populates="author",
                         cascade="all, delete-orphan", order_by="Book.id")


class Book(Base):
    __tablename__ = "sa_books"
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    author_id = sa.Column(sa.Integer, sa.ForeignKey("sa_authors.id"),
                          nullable=False, index=True)
    title = sa.Column(sa.String(100), nullable=False)
    pages = sa.Column(sa.Integer)
    blurb = sa.Column(sa.Text)
    author = relationship("Author", back_populates="books")


class SqlAlchemyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = sa.create_engine(URL, future=True)
        Base.metadata.drop_all(cls.engine)
        Base.metadata.create_all(cls.engine)

    @classmethod
    def tearDownClass(cls):
        Base.metadata.drop_all(cls.engine)
        names = sa.inspect(cls.engine).get_table_names()
        assert "sa_books" not in names and "sa_authors" not in names, names
        cls.engine.dispose()

    def test_1_reflection_sees_the_schema(self):
        insp = sa.inspect(self.engine)
        self.assertTrue({"sa_authors", "sa_books"} <=
                        set(insp.get_table_names()))
        cols = {c["name"]: c for c in insp.get_columns("sa_authors")}
        self.assertEqual(list(cols), ["id", "name", "born", "rating",
                                      "created"])
        self.assertIsInstance(cols["id"]["type"], sa.Integer)
        self.assertTrue(cols["id"]["autoincrement"])
        self.assertFalse(cols["name"]["nullable"])
        self.assertEqual(cols["name"]["type"].length, 50)
        self.assertTrue(cols["born"]["nullable"])
        self.assertIsInstance(cols["born"]["type"], sa.Date)
        self.assertEqual((cols["rating"]["type"].precision,
                          cols["rating"]["type"].scale), (5, 2))
        self.assertIn("0.00", str(cols["rating"]["default"]))
        self.assertEqual(insp.get_pk_constraint("sa_authors")
                         ["constrained_columns"], ["id"])
        uniques = insp.get_unique_constraints("sa_authors")
        self.assertEqual([u["column_names"] for u in uniques], [["name"]])
        indexes = insp.get_indexes("sa_books")
        self.assertIn(["author_id"], [i["column_names"] for i in indexes])
        book_cols = {c["name"]: c for c in insp.get_columns("sa_books")}
        self.assertIsInstance(book_cols["blurb"]["type"], sa.Text)
        fks = insp.get_foreign_keys("sa_books")
        self.assertEqual([(f["constrained_columns"], f["referred_table"],
                           f["referred_columns"]) for f in fks],
                         [(["author_id"], "sa_authors", ["id"])])
        self.assertEqual(insp.get_foreign_keys("sa_authors"), [])

    def test_2_unit_of_work(self):
        with Session(self.engine) as s:
            a = Author(name="ann", born=sa.func.date("1970-01-02"),
                       books=[Book(title="One", pages=100),
                              Book(title="Two", pages=200)])
            b = Author(name="bob")
            s.add_all([a, b])
            s.commit()
            # Autoincrement ids came back to the objects, in insert order.
            self.assertIsNotNone(a.id)
            self.assertEqual(b.id, a.id + 1)
            self.assertEqual([x.title for x in a.books], ["One", "Two"])
            self.assertEqual(a.books[0].author_id, a.id)
        with Session(self.engine) as s:
            ann = s.execute(sa.select(Author).filter_by(name="ann")).scalar_one()
            self.assertEqual(str(ann.born), "1970-01-02")
            self.assertEqual(str(ann.rating), "0.00")
            self.assertIsNotNone(ann.created)
            self.assertEqual(sum(x.pages for x in ann.books), 300)
            ann.books[0].pages = 150
            ann.books.append(Book(title="Three", pages=50))
            del ann.books[1]  # "Two": an orphan, deleted
            s.commit()
        with Session(self.engine) as s:
            rows = s.execute(
                sa.select(Book.title, Book.pages).join(Author)
                .where(Author.name == "ann").order_by(Book.title)).all()
            self.assertEqual([tuple(r) for r in rows],
                             [("One", 150), ("Three", 50)])
            counts = s.execute(
                sa.select(Author.name, sa.func.count(Book.id))
                .outerjoin(Book).group_by(Author.name)
                .order_by(Author.name)).all()
            self.assertEqual([tuple(r) for r in counts],
                             [("ann", 2), ("bob", 0)])
            s.delete(s.execute(sa.select(Author).filter_by(name="ann"))
                     .scalar_one())
            s.commit()
            self.assertEqual(s.execute(sa.select(sa.func.count())
                                       .select_from(Book)).scalar(), 0)

    def test_25_foreign_keys_are_enforced(self):
        # Behind the ORM's back: the database itself refuses an orphan and
        # the removal of a row still referenced.
        with self.engine.connect() as c:
            with self.assertRaises(sa.exc.IntegrityError) as e:
                c.execute(sa.text("INSERT INTO sa_books (author_id, title) "
                                  "VALUES (999999, 'orphan')"))
            self.assertEqual(e.exception.orig.args[0], 1452)
            c.rollback()
            c.execute(sa.text("INSERT INTO sa_authors (name) VALUES ('fk')"))
            aid = c.execute(sa.text(
                "SELECT id FROM sa_authors WHERE name = 'fk'")).scalar()
            c.execute(sa.text("INSERT INTO sa_books (author_id, title) "
                              "VALUES (:a, 'kept')"), {"a": aid})
            c.commit()
            with self.assertRaises(sa.exc.IntegrityError) as e:
                c.execute(sa.text("DELETE FROM sa_authors WHERE id = :a"),
                          {"a": aid})
            self.assertEqual(e.exception.orig.args[0], 1451)
            c.rollback()
            c.execute(sa.text("DELETE FROM sa_books WHERE author_id = :a"),
                      {"a": aid})
            c.execute(sa.text("DELETE FROM sa_authors WHERE id = :a"),
                      {"a": aid})
            c.commit()

    def test_3_savepoints(self):
        with Session(self.engine) as s:
            # The transaction's first statement is the SAVEPOINT.
            with s.begin_nested():
                s.add(Author(name="cid"))
            with self.assertRaises(sa.exc.IntegrityError) as e:
                with s.begin_nested():
                    s.add(Author(name="cid"))
                    s.flush()
            self.assertEqual(e.exception.orig.args[0], 1062)
            nested = s.begin_nested()
            s.add(Author(name="dan"))
            s.flush()
            nested.rollback()
            s.add(Author(name="eve"))
            s.commit()
        with Session(self.engine) as s:
            names = s.execute(sa.select(Author.name).order_by(Author.name))
            self.assertEqual(list(names.scalars()), ["bob", "cid", "eve"])

    def test_4_core_statements(self):
        t = Author.__table__
        with self.engine.begin() as c:
            r = c.execute(t.insert(), [{"name": f"n{i}"} for i in range(50)])
            self.assertEqual(r.rowcount, 50)
            r = c.execute(t.update().where(t.c.name.like("n1%"))
                          .values(rating=sa.text("rating + 1.5")))
            self.assertEqual(r.rowcount, 11)
            total = c.execute(sa.select(sa.func.sum(t.c.rating))).scalar()
            self.assertEqual(str(total), "16.50")
            r = c.execute(t.delete().where(t.c.name.in_(["n1", "n2", "zz"])))
            self.assertEqual(r.rowcount, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
