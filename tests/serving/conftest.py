import os
import sys

sys.path.insert(0, os.path.dirname(__file__))  # serving_models.py, shared by the serving tests
